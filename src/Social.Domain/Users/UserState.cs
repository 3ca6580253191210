using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Domain.Text;

namespace Social.Domain.Users;

/// <summary>
/// A user's write-side state. It changes only through <c>Apply</c>; the decisions validate a
/// command against it and return the event to raise (null when nothing would change), or throw a
/// <see cref="DomainException"/>. Followers are not here: they are a read model.
/// </summary>
[GenerateSerializer, Alias("Social.Domain.Users.UserState")]
public sealed class UserState
{
    /// <summary>The handle was registered: true for good, a deleted account included (its handle stays taken).</summary>
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public UserId Id { get; set; }
    [Id(2)] public string Handle { get; set; } = string.Empty;
    [Id(3)] public string DisplayName { get; set; } = string.Empty;
    [Id(4)] public string Bio { get; set; } = string.Empty;
    [Id(5)] public string PasswordHash { get; set; } = string.Empty;
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The users this one follows.</summary>
    [Id(7)] public HashSet<UserId> Following { get; set; } = [];

    /// <summary>Granted and revoked by operators only, never by a request of the user's own.</summary>
    [Id(8)] public bool IsAdministrator { get; set; }

    /// <summary>
    /// Moves on with every password change. Tokens carry the stamp they were issued under, and one with an older stamp
    /// is refused: so a password change signs out every session.
    /// </summary>
    [Id(9)] public int SecurityStamp { get; set; }

    [Id(10)] public bool IsDeleted { get; set; }

    /// <summary>The users this one blocks.</summary>
    [Id(12)] public HashSet<UserId> Blocking { get; set; } = [];

    /// <summary>The users this one mutes.</summary>
    [Id(13)] public HashSet<UserId> Muting { get; set; } = [];

    /// <summary>The newest notification the user has read (null before the first): the unread ones are newer.</summary>
    [Id(11)] public NotificationId? NotificationsReadUpTo { get; set; }

    /// <summary>Registered and not deleted: the account can sign in and act.</summary>
    public bool IsActive => Exists && !IsDeleted;

    public UserRegistered Register(string handle, string displayName, string passwordHash, DateTimeOffset at)
    {
        if (Exists)
        {
            throw new ConflictException($"The handle '{Handle}' is taken.");
        }

        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        var errors = new ValidationErrors();
        var normalizedHandle = errors.Check(() => Text.Handle.Normalize(handle));
        var normalizedName = errors.Check(() => TextRules.DisplayName(displayName));
        errors.ThrowIfAny();
        return new UserRegistered(new UserId(normalizedHandle!), normalizedHandle!, normalizedName!, passwordHash, at);
    }

    /// <summary>Null arguments keep the current values; returns null when nothing changes.</summary>
    public ProfileUpdated? UpdateProfile(string? displayName, string? bio, DateTimeOffset at)
    {
        EnsureExists();
        var errors = new ValidationErrors();
        var newName = displayName is null ? DisplayName : errors.Check(() => TextRules.DisplayName(displayName));
        var newBio = bio is null ? Bio : errors.Check(() => TextRules.Bio(bio));
        errors.ThrowIfAny();
        return newName == DisplayName && newBio == Bio
            ? null
            : new ProfileUpdated(Id, newName!, newBio!, at);
    }

    /// <summary>
    /// Returns null when already following. Whether the followee exists, and whether they block this user
    /// (<paramref name="blockedByFollowee"/>), are the caller's to find out.
    /// </summary>
    public UserFollowed? Follow(UserId followee, bool blockedByFollowee, DateTimeOffset at)
    {
        EnsureExists();
        if (followee == Id)
        {
            throw new ValidationException("handle", "You cannot follow yourself.");
        }

        if (Blocking.Contains(followee))
        {
            throw new ForbiddenException("You block this user: unblock them to follow them.");
        }

        if (blockedByFollowee)
        {
            throw new ForbiddenException("This user blocks you.");
        }

        return Following.Contains(followee) ? null : new UserFollowed(Id, followee, at);
    }

    /// <summary>Blocks another user, ending this user's follow of them first; nothing when blocking them already.</summary>
    public IEnumerable<UserEvent> Block(UserId other, DateTimeOffset at)
    {
        EnsureOther(other, "You cannot block yourself.");
        return Blocking.Contains(other) ? []
            : [.. Following.Contains(other) ? [new UserUnfollowed(Id, other, at)] : Array.Empty<UserEvent>(), new UserBlocked(Id, other, at)];
    }

    /// <summary>Returns null when not blocking them.</summary>
    public UserUnblocked? Unblock(UserId other, DateTimeOffset at)
    {
        EnsureExists();
        return Blocking.Contains(other) ? new UserUnblocked(Id, other, at) : null;
    }

    /// <summary>Returns null when muting them already.</summary>
    public UserMuted? Mute(UserId other, DateTimeOffset at)
    {
        EnsureOther(other, "You cannot mute yourself.");
        return Muting.Contains(other) ? null : new UserMuted(Id, other, at);
    }

    /// <summary>Returns null when not muting them.</summary>
    public UserUnmuted? Unmute(UserId other, DateTimeOffset at)
    {
        EnsureExists();
        return Muting.Contains(other) ? new UserUnmuted(Id, other, at) : null;
    }

    /// <summary>Returns null when not following.</summary>
    public UserUnfollowed? Unfollow(UserId followee, DateTimeOffset at)
    {
        EnsureExists();
        return Following.Contains(followee) ? new UserUnfollowed(Id, followee, at) : null;
    }

    /// <summary>Returns null when the user already is one.</summary>
    public AdministratorGranted? GrantAdministrator(DateTimeOffset at)
    {
        EnsureExists();
        return IsAdministrator ? null : new AdministratorGranted(Id, at);
    }

    /// <summary>Returns null when the user is not one.</summary>
    public AdministratorRevoked? RevokeAdministrator(DateTimeOffset at)
    {
        EnsureExists();
        return IsAdministrator ? new AdministratorRevoked(Id, at) : null;
    }

    /// <summary>
    /// The caller checked the current password, and read <paramref name="verifiedStamp"/> with the hash it checked it
    /// against: if the password changed since, that check no longer stands.
    /// </summary>
    public PasswordChanged ChangePassword(string newPasswordHash, int verifiedStamp, DateTimeOffset at)
    {
        EnsureCurrent(verifiedStamp);
        ArgumentException.ThrowIfNullOrEmpty(newPasswordHash);
        return new PasswordChanged(Id, newPasswordHash, at);
    }

    /// <summary>
    /// Deletes the account (the password checked as for <see cref="ChangePassword"/>). The user's own follows, blocks
    /// and mutes end first, as events, so the read models follow as for any unfollow, unblock or unmute.
    /// </summary>
    public IEnumerable<UserEvent> Delete(int verifiedStamp, DateTimeOffset at)
    {
        EnsureCurrent(verifiedStamp);
        return
        [
            .. Following.Order().Select(followee => new UserUnfollowed(Id, followee, at)),
            .. Blocking.Order().Select(blocked => new UserUnblocked(Id, blocked, at)),
            .. Muting.Order().Select(muted => new UserUnmuted(Id, muted, at)),
            new AccountDeleted(Id, at),
        ];
    }

    /// <summary>Returns null when the marker is there or further on already: it never moves back.</summary>
    public NotificationsRead? ReadNotifications(NotificationId lastRead, DateTimeOffset at)
    {
        EnsureExists();
        return NotificationsReadUpTo is { } current && current.CompareTo(lastRead) >= 0 ? null : new NotificationsRead(Id, lastRead, at);
    }

    public void Apply(UserEvent e)
    {
        switch (e)
        {
            case UserRegistered registered: Apply(registered); break;
            case ProfileUpdated updated: Apply(updated); break;
            case UserFollowed followed: Apply(followed); break;
            case UserUnfollowed unfollowed: Apply(unfollowed); break;
            case AdministratorGranted: IsAdministrator = true; break;
            case AdministratorRevoked: IsAdministrator = false; break;
            case PasswordChanged changed: Apply(changed); break;
            case AccountDeleted: ApplyDeleted(); break;
            case NotificationsRead read: NotificationsReadUpTo = read.LastRead; break;
            case UserBlocked blocked: Blocking.Add(blocked.Blocked); break;
            case UserUnblocked unblocked: Blocking.Remove(unblocked.Blocked); break;
            case UserMuted muted: Muting.Add(muted.Muted); break;
            case UserUnmuted unmuted: Muting.Remove(unmuted.Muted); break;
            default: throw new ArgumentException($"Unknown user event '{e?.GetType().Name}'.", nameof(e));
        }
    }

    public void Apply(UserRegistered e)
    {
        Exists = true;
        Id = e.UserId;
        Handle = e.Handle;
        DisplayName = e.DisplayName;
        Bio = string.Empty;
        PasswordHash = e.PasswordHash;
        CreatedAt = e.At;
    }

    public void Apply(ProfileUpdated e)
    {
        DisplayName = e.DisplayName;
        Bio = e.Bio;
    }

    public void Apply(UserFollowed e) => Following.Add(e.Followee);

    public void Apply(UserUnfollowed e) => Following.Remove(e.Followee);

    public void Apply(PasswordChanged e)
    {
        PasswordHash = e.PasswordHash;
        SecurityStamp++;
    }

    // Nothing personal is kept in memory either; the handle and the registration time stay (the handle is reserved).
    private void ApplyDeleted()
    {
        IsDeleted = true;
        DisplayName = string.Empty;
        Bio = string.Empty;
        PasswordHash = string.Empty;
        Following.Clear();
        Blocking.Clear();
        Muting.Clear();
        IsAdministrator = false;
        SecurityStamp++;
    }

    private void EnsureExists()
    {
        if (!IsActive)
        {
            throw new NotFoundException("There is no such user.");
        }
    }

    private void EnsureOther(UserId other, string selfMessage)
    {
        EnsureExists();
        if (other == Id)
        {
            throw new ValidationException("handle", selfMessage);
        }
    }

    private void EnsureCurrent(int verifiedStamp)
    {
        EnsureExists();
        if (verifiedStamp != SecurityStamp)
        {
            throw new ForbiddenException("The password was changed meanwhile; sign in again.");
        }
    }
}
