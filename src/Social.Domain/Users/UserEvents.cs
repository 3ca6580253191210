using Social.Domain.Ids;

namespace Social.Domain.Users;

// Serializer ids are never reused; a new field gets the next id. Storage names live in EventTypes.

[GenerateSerializer, Alias("Social.Domain.Users.UserEvent")]
public abstract record UserEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Users.UserRegistered")]
public sealed record UserRegistered(
    [property: Id(0)] UserId UserId,
    [property: Id(1)] string Handle,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string PasswordHash,
    [property: Id(4)] DateTimeOffset At) : UserEvent;

/// <summary>The full new profile values.</summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Users.ProfileUpdated")]
public sealed record ProfileUpdated(
    [property: Id(0)] UserId UserId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string Bio,
    [property: Id(3)] DateTimeOffset At) : UserEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Users.UserFollowed")]
public sealed record UserFollowed(
    [property: Id(0)] UserId Follower,
    [property: Id(1)] UserId Followee,
    [property: Id(2)] DateTimeOffset At) : UserEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Users.UserUnfollowed")]
public sealed record UserUnfollowed(
    [property: Id(0)] UserId Follower,
    [property: Id(1)] UserId Followee,
    [property: Id(2)] DateTimeOffset At) : UserEvent;

/// <summary>An operator made the user an administrator (never an HTTP request: see <c>AdministratorCommand</c>).</summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Users.AdministratorGranted")]
public sealed record AdministratorGranted(
    [property: Id(0)] UserId UserId,
    [property: Id(1)] DateTimeOffset At) : UserEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Users.AdministratorRevoked")]
public sealed record AdministratorRevoked(
    [property: Id(0)] UserId UserId,
    [property: Id(1)] DateTimeOffset At) : UserEvent;

/// <summary>The new password's hash; every token issued before it is refused from now on (the security stamp moves on).</summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Users.PasswordChanged")]
public sealed record PasswordChanged(
    [property: Id(0)] UserId UserId,
    [property: Id(1)] string PasswordHash,
    [property: Id(2)] DateTimeOffset At) : UserEvent;

/// <summary>
/// The user deleted their account. The handle stays taken; what the account made (posts, comments, likes, follows
/// of others) is removed by the erasure this starts, and its personal data is then redacted from the stream.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Users.AccountDeleted")]
public sealed record AccountDeleted(
    [property: Id(0)] UserId UserId,
    [property: Id(1)] DateTimeOffset At) : UserEvent;

/// <summary>The user has read their notifications up to <paramref name="LastRead"/>: the newest they saw. It only moves forward.</summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Users.NotificationsRead")]
public sealed record NotificationsRead(
    [property: Id(0)] UserId UserId,
    [property: Id(1)] NotificationId LastRead,
    [property: Id(2)] DateTimeOffset At) : UserEvent;

/// <summary>
/// <paramref name="Blocker"/> blocks <paramref name="Blocked"/>: neither sees the other's posts, comments or notifications,
/// and the blocked user cannot follow the blocker or comment on or like their posts. The follows between them end (the
/// blocker's by a <see cref="UserUnfollowed"/> before this, the other's by its projection).
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Users.UserBlocked")]
public sealed record UserBlocked(
    [property: Id(0)] UserId Blocker,
    [property: Id(1)] UserId Blocked,
    [property: Id(2)] DateTimeOffset At) : UserEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Users.UserUnblocked")]
public sealed record UserUnblocked(
    [property: Id(0)] UserId Blocker,
    [property: Id(1)] UserId Blocked,
    [property: Id(2)] DateTimeOffset At) : UserEvent;

/// <summary><paramref name="Muter"/> no longer sees <paramref name="Muted"/>'s posts at home or in pushes, nor notifications from them; the muted user is not told.</summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Users.UserMuted")]
public sealed record UserMuted(
    [property: Id(0)] UserId Muter,
    [property: Id(1)] UserId Muted,
    [property: Id(2)] DateTimeOffset At) : UserEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Users.UserUnmuted")]
public sealed record UserUnmuted(
    [property: Id(0)] UserId Muter,
    [property: Id(1)] UserId Muted,
    [property: Id(2)] DateTimeOffset At) : UserEvent;
