using Social.Abstractions.Users;

namespace Social.Abstractions.Notifications;

/// <summary>A notification as clients see it (API.md's <c>Notification</c>).</summary>
/// <param name="Id">Time-sortable, like post ids.</param>
/// <param name="Type">One of <see cref="NotificationTypes"/>.</param>
/// <param name="Actor">Who did what is notified of.</param>
/// <param name="PostId">The post liked, commented on or mentioned in; null for a follow.</param>
/// <param name="CommentId">The comment made or mentioned in; null where there is none.</param>
/// <param name="CreatedAt">When the action was made.</param>
[GenerateSerializer, Immutable]
public sealed record NotificationView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] UserSummary Actor,
    [property: Id(3)] string? PostId,
    [property: Id(4)] string? CommentId,
    [property: Id(5)] DateTimeOffset CreatedAt);

/// <summary>The values of <see cref="NotificationView.Type"/>.</summary>
public static class NotificationTypes
{
    /// <summary>The actor followed the recipient.</summary>
    public const string Follow = "follow";

    /// <summary>The actor liked the recipient's post.</summary>
    public const string Like = "like";

    /// <summary>The actor commented on the recipient's post.</summary>
    public const string Comment = "comment";

    /// <summary>The actor mentioned the recipient in a post or a comment.</summary>
    public const string Mention = "mention";
}
