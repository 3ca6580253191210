namespace Social.Domain.Errors;

/// <summary>
/// A broken business rule. The API maps each kind to one status code (400, 403, 404, 409);
/// the message is a sentence the caller can act on.
/// </summary>
[GenerateSerializer, Alias("Social.Domain.Errors.DomainException")]
public abstract class DomainException : Exception
{
    protected DomainException(string message)
        : base(message)
    {
    }
}
