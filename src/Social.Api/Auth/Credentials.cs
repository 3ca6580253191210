using Microsoft.Extensions.Options;
using Social.Abstractions.EventStore;
using Social.Abstractions.Users;
using Social.Api.RateLimiting;
using Social.Domain.Ids;

namespace Social.Api.Auth;

/// <summary>
/// Checks a handle and password, for the token endpoint and the administrators' sign-in page, and limits the wrong
/// passwords per handle (<see cref="SignInOptions.FailuresPerHandle"/> within <see cref="SignInOptions.HandleWindow"/>):
/// past that, the handle is locked until its oldest failure is older than the window, the right password included, so
/// that a guesser learns nothing more. The count is shared by every instance (<see cref="ISignInFailures"/>, in
/// Redis), and kept for handles that no one has as well, or a 429 would tell a guesser which handles exist.
/// </summary>
internal sealed class Credentials(IGrainFactory grains, PasswordHashing passwords, ISignInFailures failures, IOptions<SignInOptions> options)
{
    /// <summary>The user these credentials belong to; or wrong (an unknown handle or a wrong password); or locked for a while.</summary>
    /// <exception cref="StoreUnavailableException">Redis, where the failures are counted, cannot be reached.</exception>
    public async Task<SignInResult> VerifyAsync(string? handle, string? password)
    {
        if (string.IsNullOrEmpty(password) || !UserId.TryFromHandle(handle, out var user))
        {
            // Not a handle anyone can have: there is no account to guess the password of, so nothing to count.
            return SignInResult.Wrong;
        }

        // Fails closed: if Redis cannot be reached this throws, and the caller gets the 503 with Retry-After that the
        // rest of the API answers when a store it needs is down. Going ahead without the count would turn an outage of
        // Redis (or one provoked by an attacker) into unlimited guessing, from as many addresses as a guesser has; and
        // sign-in is not what keeps the service running, as issued tokens go on working meanwhile.
        var limits = options.Value;
        var attempt = Guid.NewGuid().ToString("N");
        if (await failures.TryBeginAsync(user, attempt, limits.FailuresPerHandle, limits.HandleWindow) is { } wait)
        {
            return SignInResult.Locked(wait);
        }

        var wrong = false;
        try
        {
            var stored = await grains.GetGrain<IUserGrain>(user.Value).GetCredentialAsync();
            wrong = !passwords.Verify(stored?.PasswordHash, password);
            return wrong ? SignInResult.Wrong : SignInResult.Verified(user, stored!.SecurityStamp);
        }
        finally
        {
            // The attempt was counted as a failure in advance; a right password, or one that could not be checked (the
            // user's grain unreachable), is taken back.
            if (!wrong)
            {
                await ForgetAsync(user, attempt);
            }
        }
    }

    // If Redis is lost between counting and taking back, the attempt stays counted as a failure until it leaves the
    // window: the cautious side, and it must not turn a right password (or the grain's own error) into a 503.
    private async Task ForgetAsync(UserId user, string attempt)
    {
        try
        {
            await failures.ForgetAsync(user, attempt);
        }
        catch (StoreUnavailableException)
        {
        }
    }
}

/// <summary>The outcome of <see cref="Credentials.VerifyAsync"/>.</summary>
/// <param name="User">The signed-in user, when the handle and password are right.</param>
/// <param name="SecurityStamp">The user's security stamp that went with the password checked: tokens carry it.</param>
/// <param name="LockedFor">When the handle had too many wrong passwords: how long until it may try again.</param>
internal readonly record struct SignInResult(UserId? User, int SecurityStamp, TimeSpan? LockedFor)
{
    /// <summary>An unknown handle or a wrong password (the caller cannot tell which).</summary>
    public static SignInResult Wrong => default;

    public static SignInResult Verified(UserId user, int securityStamp) => new(user, securityStamp, null);

    public static SignInResult Locked(TimeSpan wait) => new(null, 0, wait);
}
