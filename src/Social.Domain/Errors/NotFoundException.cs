namespace Social.Domain.Errors;

/// <summary>An unknown or deleted user, post or comment (404).</summary>
[GenerateSerializer, Alias("Social.Domain.Errors.NotFoundException")]
public sealed class NotFoundException : DomainException
{
    /// <param name="message">A whole sentence naming what is missing: "There is no post '01J…'."</param>
    public NotFoundException(string message)
        : base(message)
    {
    }
}
