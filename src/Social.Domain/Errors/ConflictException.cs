namespace Social.Domain.Errors;

/// <summary>The command clashes with what exists, such as a taken handle (409).</summary>
[GenerateSerializer, Alias("Social.Domain.Errors.ConflictException")]
public sealed class ConflictException : DomainException
{
    public ConflictException(string message)
        : base(message)
    {
    }
}
