namespace Social.Api.Auth;

/// <summary>
/// When a bearer token is valid: it has started, has not expired, and expires no later than a token issued now would.
/// The last rule caps the lifetime of whatever carries the key's signature, so a token minted with a far expiry (by a
/// leaked key, or an older configuration with a longer lifetime) stops working within one configured lifetime.
/// </summary>
internal static class TokenLifetime
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static bool IsValid(DateTime? notBefore, DateTime? expires, TimeSpan lifetime, TimeProvider clock)
    {
        if (expires is not { } end)
        {
            return false;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        return (notBefore is not { } start || start <= now + ClockSkew)
            && end > now - ClockSkew
            && end <= now + lifetime + ClockSkew;
    }
}
