namespace Social.Domain.Errors;

/// <summary>The caller is known but not allowed to do this (403).</summary>
[GenerateSerializer, Alias("Social.Domain.Errors.ForbiddenException")]
public sealed class ForbiddenException : DomainException
{
    public ForbiddenException(string message)
        : base(message)
    {
    }
}
