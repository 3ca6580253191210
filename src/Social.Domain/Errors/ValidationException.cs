namespace Social.Domain.Errors;

/// <summary>Invalid input (400): <see cref="Errors"/> maps camelCase field names to messages.</summary>
[GenerateSerializer, Alias("Social.Domain.Errors.ValidationException")]
public sealed class ValidationException : DomainException
{
    public ValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base(MessageOf(errors))
    {
        Errors = Copy(errors);
    }

    public ValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    // A concrete Dictionary keeps the Orleans and JSON round trips simple.
    [Id(0)]
    public Dictionary<string, string[]> Errors { get; }

    private static Dictionary<string, string[]> Copy(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("A validation error needs at least one field.", nameof(errors));
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static string MessageOf(IReadOnlyDictionary<string, string[]> errors) =>
        errors is null ? string.Empty : string.Join(" ", errors.Values.SelectMany(m => m));
}
