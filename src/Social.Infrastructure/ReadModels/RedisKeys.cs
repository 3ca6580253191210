using StackExchange.Redis;
using Social.Domain.Ids;

namespace Social.Infrastructure.ReadModels;

/// <summary>
/// Every read-model key starts with <see cref="Prefix"/>, so a rebuild can drop them all and nothing else.
/// Timelines, comment pages and follow lists are sorted sets whose members all have score 0 and sort by their text:
/// post and comment ids sort by creation time, so a lexicographic range is a page in time order.
/// </summary>
internal static class RedisKeys
{
    public const string Prefix = "s:";

    /// <summary>A projection's checkpoint in an event-store stream: <c>applied</c> and <c>done</c> versions.</summary>
    public static RedisKey Checkpoint(string streamId) => CheckpointPrefix + streamId;

    public const string CheckpointPrefix = Prefix + "cp:";

    public static RedisKey Post(PostId post) => $"{Prefix}post:{post.Value}";

    public const string UserPrefix = Prefix + "user:";

    public static RedisKey User(UserId user) => UserPrefix + user.Value;

    public const string CommentPrefix = Prefix + "comment:";

    public static RedisKey Comment(CommentId comment) => CommentPrefix + comment.Value;

    public static RedisKey Comments(PostId post) => $"{Prefix}comments:{post.Value}";

    public static RedisKey Followers(UserId user) => $"{Prefix}followers:{user.Value}";

    public static RedisKey Following(UserId user) => $"{Prefix}following:{user.Value}";

    /// <summary>The users a user blocks, by handle (score 0).</summary>
    public static RedisKey Blocking(UserId user) => $"{Prefix}blocking:{user.Value}";

    /// <summary>The users who block a user: with <see cref="Blocking"/>, what "neither sees the other" filters by.</summary>
    public static RedisKey BlockedBy(UserId user) => $"{Prefix}blockedby:{user.Value}";

    /// <summary>The users a user mutes, by handle (score 0).</summary>
    public static RedisKey Muting(UserId user) => $"{Prefix}muting:{user.Value}";

    public static RedisKey HomeTimeline(UserId user) => $"{Prefix}home:{user.Value}";

    public static RedisKey UserTimeline(UserId user) => $"{Prefix}posts:{user.Value}";

    public const string TagPrefix = Prefix + "tag:";

    /// <summary>The most recent posts with a tag (lower case, as the post's event records it), capped like every timeline.</summary>
    public static RedisKey TagTimeline(string tag) => TagPrefix + tag;

    /// <summary>
    /// Every live post of an author, uncapped: the post count is its size. A set, not a counter, because a rebuild that
    /// runs beside live projections may replay a post's creation, and adding a member twice counts it once.
    /// </summary>
    public static RedisKey AuthoredPosts(UserId user) => $"{Prefix}authored:{user.Value}";

    /// <summary>
    /// A user's notifications, newest first: members are "id|type|actor|post|comment" (the ids fixed-length, so they sort
    /// by id), with empty fields where there is no post or comment.
    /// </summary>
    public static RedisKey Notifications(UserId user) => $"{Prefix}notifs:{user.Value}";

    /// <summary>A user's notifications by cause (see NotificationCauses): cause → member.</summary>
    public static RedisKey NotificationCauses(UserId user) => $"{Prefix}ncauses:{user.Value}";

    /// <summary>Notifications that arrived behind a newer one: "newest id:member", as the home timeline's late set.</summary>
    public static RedisKey LateNotifications(UserId user) => $"{Prefix}nlate:{user.Value}";

    /// <summary>The id of the newest notification the user ever had: it never goes down (see NotificationScripts.Add).</summary>
    public static RedisKey NewestNotification(UserId user) => $"{Prefix}nmax:{user.Value}";

    /// <summary>The id of the newest notification the user has read.</summary>
    public static RedisKey NotificationsRead(UserId user) => $"{Prefix}nread:{user.Value}";

    /// <summary>Who may hold notifications about a post (withdrawn when it is deleted).</summary>
    public static RedisKey NotifiedAbout(PostId post) => $"{Prefix}nabout:{post.Value}";

    /// <summary>The posts that landed in a reader's home timeline behind a newer one (see ProjectionScripts: late arrivals).</summary>
    public static RedisKey LateArrivals(UserId user) => $"{Prefix}late:{user.Value}";

    /// <summary>The newest post id whose fan-out has started (see ProjectionScripts: late arrivals).</summary>
    public const string NewestFannedOut = Prefix + "fanout:newest";

    /// <summary>
    /// Users with a feed connection open, scored by when that expires (RedisPresence). Outside the read models' prefix,
    /// as is <see cref="RecentReaders"/>: a rebuild does not drop them.
    /// </summary>
    public const string Connected = "presence:online";

    /// <summary>Users who read their home timeline lately, scored by when that stops counting.</summary>
    public const string RecentReaders = "presence:reading";

    /// <summary>
    /// A handle's recent wrong passwords (RedisSignInFailures), outside the read models' prefix: a rebuild must not
    /// forget them. Handles are lower-case a-z, 0-9 and _, so the key needs no escaping.
    /// </summary>
    public static RedisKey SignInFailures(UserId user) => $"signin:failures:{user.Value}";

    /// <summary>Authors whose posts are merged into readers' pages at read time instead of fanned out.</summary>
    public static RedisKey MergedAtRead => $"{Prefix}merged";
}
