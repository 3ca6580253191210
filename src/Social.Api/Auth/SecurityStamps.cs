using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Social.Abstractions.Users;
using Social.Domain.Ids;

namespace Social.Api.Auth;

/// <summary>
/// Whether a token (or the admin cookie) still stands: its subject is an account that exists, and it carries the
/// account's current security stamp, which a password change or the account's deletion moves on. Asking the user's
/// grain on every request cost a tenth of the host's CPU at load (a grain call per request, for an answer that rarely
/// changes), so the stamp is remembered on this instance for <see cref="Remembered"/>: short enough that a password
/// change or a deletion signs the user out on every instance within two seconds, with no message between instances
/// that could be lost, long enough that a busy client costs one grain call a second instead of one per request.
/// </summary>
internal sealed class SecurityStamps(IGrainFactory grains, TimeProvider clock)
{
    /// <summary>The claim that carries the stamp a token was issued under.</summary>
    public const string Claim = "sst";

    public static readonly TimeSpan Remembered = TimeSpan.FromSeconds(1);

    // Expired entries are swept when this many more have been added since the last sweep.
    private const int SweepEvery = 10_000;

    private readonly ConcurrentDictionary<string, (long Until, int Stamp)> _known = new(StringComparer.Ordinal);
    private int _addedSinceSweep;

    public static Claim ClaimFor(int stamp) => new(Claim, stamp.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer32);

    /// <summary>Whether the principal names an existing account and carries its current stamp.</summary>
    public async ValueTask<bool> IsCurrentAsync(ClaimsPrincipal? principal) =>
        principal?.Identity?.Name is { } handle && UserId.TryFromHandle(handle, out var user)
        && int.TryParse(principal.FindFirst(Claim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var stamp)
        && await CurrentStampAsync(user, stamp) == stamp;

    /// <summary>
    /// Takes the user's new stamp from a change made through this instance, so that its own answers are exact at once:
    /// a stamp read that started before the change cannot put the old one back (stamps only grow; the higher is kept).
    /// </summary>
    public void Remember(UserId user, int stamp) => _ = Keep(user, stamp, clock.GetTimestamp());

    /// <summary>As <see cref="Remember"/>, for an account deleted through this instance: no token carries its stamp.</summary>
    public void RememberDeleted(UserId user) => Remember(user, int.MaxValue);

    // A token newer than the stamp remembered (issued after a password change made through another instance) means the
    // remembered stamp is out of date: it is asked for again rather than refusing the new token for a second.
    private async ValueTask<int?> CurrentStampAsync(UserId user, int tokenStamp)
    {
        var now = clock.GetTimestamp();
        if (_known.TryGetValue(user.Value, out var known) && now < known.Until && known.Stamp >= tokenStamp)
        {
            return known.Stamp;
        }

        // No account is never remembered: a handle registered a moment later signs in at once.
        if (await grains.GetGrain<IUserGrain>(user.Value).GetSecurityStampAsync() is not { } stamp)
        {
            _known.TryRemove(user.Value, out _);
            return null;
        }

        return Keep(user, stamp, now);
    }

    // Answers the stamp kept: the higher of this one and one remembered meanwhile.
    private int Keep(UserId user, int stamp, long now)
    {
        var until = now + (long)(Remembered.TotalSeconds * clock.TimestampFrequency);
        var kept = _known.AddOrUpdate(user.Value, (until, stamp), (_, known) => (until, Math.Max(known.Stamp, stamp))).Stamp;
        if (Interlocked.Increment(ref _addedSinceSweep) >= SweepEvery)
        {
            Interlocked.Exchange(ref _addedSinceSweep, 0);
            foreach (var entry in _known)
            {
                if (entry.Value.Until <= now)
                {
                    _known.TryRemove(entry);
                }
            }
        }

        return kept;
    }
}
