using Social.Domain.Ids;

namespace Social.Abstractions.Users;

/// <summary>
/// The wrong passwords given for each handle, kept where every instance sees them, so that a handle's sign-in can be
/// paused after too many of them however the guesses are spread over instances and client addresses. A handle's count
/// is a sliding window: a failure counts for exactly one window after it happened.
/// </summary>
public interface ISignInFailures
{
    /// <summary>
    /// Counts <paramref name="attempt"/> as a failure of <paramref name="user"/> before its password is checked, unless
    /// the handle already has <paramref name="limit"/> failures within the last <paramref name="window"/>. Counting first
    /// keeps concurrent guesses from all passing the check before any of them is counted. An attempt whose password
    /// turns out right, or cannot be checked, is taken back with <see cref="ForgetAsync"/>.
    /// </summary>
    /// <returns>Null when the attempt may go ahead; otherwise how long until the handle may try again.</returns>
    /// <exception cref="EventStore.StoreUnavailableException">The store of the counts cannot be reached.</exception>
    Task<TimeSpan?> TryBeginAsync(UserId user, string attempt, int limit, TimeSpan window);

    /// <summary>Takes back an attempt counted by <see cref="TryBeginAsync"/>.</summary>
    /// <exception cref="EventStore.StoreUnavailableException">The store of the counts cannot be reached.</exception>
    Task ForgetAsync(UserId user, string attempt);
}
