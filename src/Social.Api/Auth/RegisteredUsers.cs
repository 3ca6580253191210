using System.Collections.Concurrent;
using Social.Abstractions.Users;
using Social.Domain.Ids;

namespace Social.Api.Auth;

/// <summary>
/// Whether a token's subject is a registered user. Asking the user's grain on every request cost a tenth of the host's
/// CPU at load (a grain call per request, for an answer that rarely changes), so a yes is remembered on this instance
/// for <see cref="Remembered"/>: short enough that a user who is gone loses access everywhere within two seconds, long
/// enough that a busy client costs one grain call a second instead of one per request. A no is never remembered.
/// </summary>
internal sealed class RegisteredUsers(IGrainFactory grains, TimeProvider clock)
{
    public static readonly TimeSpan Remembered = TimeSpan.FromSeconds(1);

    // Expired entries are swept when this many more have been added since the last sweep.
    private const int SweepEvery = 10_000;

    private readonly ConcurrentDictionary<string, long> _confirmedUntil = new(StringComparer.Ordinal);
    private int _addedSinceSweep;

    /// <summary>Whether the principal names a registered user: a token's or the admin cookie's subject.</summary>
    public ValueTask<bool> IsRegisteredAsync(string? handle) =>
        handle is not null && UserId.TryFromHandle(handle, out var user) ? IsRegisteredAsync(user) : ValueTask.FromResult(false);

    public async ValueTask<bool> IsRegisteredAsync(UserId user)
    {
        var now = clock.GetTimestamp();
        if (_confirmedUntil.TryGetValue(user.Value, out var until) && now < until)
        {
            return true;
        }

        if (!await grains.GetGrain<IUserGrain>(user.Value).ExistsAsync())
        {
            _confirmedUntil.TryRemove(user.Value, out _);
            return false;
        }

        _confirmedUntil[user.Value] = now + (long)(Remembered.TotalSeconds * clock.TimestampFrequency);
        if (Interlocked.Increment(ref _addedSinceSweep) >= SweepEvery)
        {
            Interlocked.Exchange(ref _addedSinceSweep, 0);
            foreach (var (handle, expires) in _confirmedUntil)
            {
                if (expires <= now)
                {
                    _confirmedUntil.TryRemove(new KeyValuePair<string, long>(handle, expires));
                }
            }
        }

        return true;
    }
}
