namespace Social.Domain.Errors;

/// <summary>Collects the field errors of one command, so that the caller hears about every field at once.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    /// <summary>Runs a validator; on failure records its errors and returns default.</summary>
    public T? Check<T>(Func<T> validate)
    {
        try
        {
            return validate();
        }
        catch (ValidationException e)
        {
            foreach (var (field, messages) in e.Errors)
            {
                _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, .. messages] : messages;
            }

            return default;
        }
    }

    /// <summary>Throws one <see cref="ValidationException"/> naming every field that failed, if any did.</summary>
    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ValidationException(_errors);
        }
    }
}
