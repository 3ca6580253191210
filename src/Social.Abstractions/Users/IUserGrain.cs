using Orleans.Concurrency;
using Social.Domain.Ids;

namespace Social.Abstractions.Users;

/// <summary>
/// A user account, keyed by the normalized handle (see <see cref="UserId"/>). Its events are the user's stream
/// in the event store; registering appends at version 0, so only one registration of a handle can ever commit.
/// </summary>
/// <remarks>
/// The queries that other grains make (exists, summary) interleave with a running command: they only read state, and
/// two users following each other at once would otherwise each wait for the other.
/// </remarks>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Registers the user; fails with a conflict when the handle is taken.</summary>
    /// <param name="displayName">The name shown beside the handle.</param>
    /// <param name="passwordHash">The salted slow hash of the password (never the password itself).</param>
    Task<UserView> RegisterAsync(string displayName, string passwordHash);

    /// <summary>The user's profile and counts; fails with not found for an unknown handle.</summary>
    Task<UserView> GetAsync();

    /// <summary>The handle and display name; fails with not found for an unknown handle.</summary>
    [AlwaysInterleave]
    Task<UserSummary> GetSummaryAsync();

    /// <summary>The stored password hash and the security stamp it goes with, or null when there is no such account (never registered, or deleted).</summary>
    [AlwaysInterleave]
    Task<StoredCredential?> GetCredentialAsync();

    /// <summary>
    /// The security stamp that tokens must carry, or null when there is no such account: a token issued under an
    /// older stamp (before a password change) is refused.
    /// </summary>
    [AlwaysInterleave]
    Task<int?> GetSecurityStampAsync();

    /// <summary>Changes the display name and/or bio; a null argument keeps the current value.</summary>
    Task<UserView> UpdateProfileAsync(string? displayName, string? bio);

    /// <summary>
    /// Replaces the password hash, which signs out every session. <paramref name="verifiedStamp"/> is the stamp read with the
    /// hash the current password was checked against (<see cref="GetCredentialAsync"/>); fails as forbidden if it moved on.
    /// Answers the new stamp.
    /// </summary>
    Task<int> ChangePasswordAsync(string newPasswordHash, int verifiedStamp);

    /// <summary>
    /// Deletes the account, its password checked as for <see cref="ChangePasswordAsync"/>. The handle stays taken; what the
    /// account made leaves every read model, and its personal data every store, shortly after (<c>AccountErasure</c>).
    /// </summary>
    Task DeleteAsync(int verifiedStamp);

    /// <summary>Follows another user; following twice is not an error. Fails for oneself or an unknown user.</summary>
    Task FollowAsync(UserId followee);

    /// <summary>Stops following another user; unfollowing twice is not an error.</summary>
    Task UnfollowAsync(UserId followee);

    /// <summary>Blocks another user (ending this user's follow of them; the projection ends theirs); blocking twice is not an error.</summary>
    Task BlockAsync(UserId other);

    /// <summary>Ends a block; unblocking twice is not an error.</summary>
    Task UnblockAsync(UserId other);

    /// <summary>Mutes another user; muting twice is not an error.</summary>
    Task MuteAsync(UserId other);

    /// <summary>Ends a mute; unmuting twice is not an error.</summary>
    Task UnmuteAsync(UserId other);

    /// <summary>True when this user blocks <paramref name="other"/>: what the write models of follows, comments and likes ask.</summary>
    [AlwaysInterleave]
    Task<bool> BlocksAsync(UserId other);

    /// <summary>Moves the notification read marker forward to <paramref name="lastRead"/>; a marker further on already stays.</summary>
    Task ReadNotificationsAsync(NotificationId lastRead);

    /// <summary>
    /// True when an operator made the user an administrator. Read from the stream as stored: the grant is appended by
    /// an operator's command outside any grain, so the activation catches up first.
    /// </summary>
    Task<bool> IsAdministratorAsync();

    /// <summary>True when the user is registered and has not deleted the account.</summary>
    [AlwaysInterleave]
    Task<bool> ExistsAsync();
}

/// <summary>What a password is checked against.</summary>
/// <param name="PasswordHash">The salted slow hash of the password.</param>
/// <param name="SecurityStamp">The stamp the hash goes with: a change of password moves it on.</param>
[GenerateSerializer, Immutable]
public sealed record StoredCredential([property: Id(0)] string PasswordHash, [property: Id(1)] int SecurityStamp);
