using Social.Abstractions.ReadModels;
using Social.Domain.Ids;

namespace Social.Abstractions.Notifications;

/// <summary>
/// Each user's notifications: a read model (Redis) that the projections write as side effects of the events that
/// cause them, so every call is idempotent. A notification is filed under its cause (<see cref="NotificationCauses"/>):
/// what undoing the action withdraws, and, for follows and likes, what keeps the action from notifying twice, ever.
/// Newest first, capped at the timelines' capacity per user.
/// </summary>
public interface INotificationStore
{
    /// <summary>
    /// Adds the notifications, each filed under its <see cref="NotificationRecord.Cause"/>, in one round trip; answers
    /// each as clients see it, in the same order, or null where its cause notified the recipient before (another like
    /// of the same post by the same user: nothing again). Adding the same notification again answers it again.
    /// </summary>
    Task<IReadOnlyList<NotificationView?>> AddAsync(IReadOnlyList<NotificationRecord> notifications);

    /// <summary>
    /// Takes back the notification filed under <paramref name="cause"/>, if any; with <paramref name="forget"/> the cause
    /// may notify again (comments and posts are never made twice; a follow or a like is remembered for good).
    /// </summary>
    Task WithdrawAsync(UserId recipient, string cause, bool forget);

    /// <summary>Remembers that <paramref name="recipients"/> may hold notifications about <paramref name="post"/> (before adding them).</summary>
    Task RecordRecipientsAsync(PostId post, IReadOnlyList<UserId> recipients);

    /// <summary>Takes back every notification about a deleted post, from everyone recorded as holding some.</summary>
    Task WithdrawAboutPostAsync(PostId post);

    /// <summary>Takes back the notifications a deleted comment caused (to the post's author and those it mentioned).</summary>
    Task WithdrawAboutCommentAsync(PostId post, CommentId comment);

    /// <summary>
    /// A page of the user's notifications, newest first. With <c>Since</c>, those newer than it and those that arrived
    /// late (behind a newer one the user may have seen), as for the home timeline.
    /// </summary>
    Task<Page<NotificationView>> ReadAsync(UserId user, PageRequest page);

    /// <summary>How many notifications are newer than the user's read marker (all of them before the first).</summary>
    Task<long> CountUnreadAsync(UserId user);
}

/// <summary>A notification to file.</summary>
/// <param name="Id">Derived from its cause (<see cref="NotificationId.For"/>).</param>
/// <param name="Recipient">Who is notified.</param>
/// <param name="Type">One of <see cref="NotificationTypes"/>.</param>
/// <param name="Actor">Who acted.</param>
/// <param name="Post">The post it is about, if any.</param>
/// <param name="Comment">The comment it is about, if any.</param>
/// <param name="Cause">What it is filed under (<see cref="NotificationCauses"/>).</param>
public sealed record NotificationRecord(NotificationId Id, UserId Recipient, string Type, UserId Actor, PostId? Post, CommentId? Comment, string Cause);

/// <summary>The causes notifications are filed under.</summary>
public static class NotificationCauses
{
    /// <summary>A follow by <paramref name="actor"/>: remembered for good.</summary>
    public static string Follow(UserId actor) => $"f:{actor.Value}";

    /// <summary>A like of <paramref name="post"/> by <paramref name="actor"/>: remembered for good.</summary>
    public static string Like(PostId post, UserId actor) => $"l:{post.Value}:{actor.Value}";

    /// <summary>A comment, on the recipient's post or mentioning them: one notification per comment and recipient.</summary>
    public static string Comment(CommentId comment) => $"c:{comment.Value}";

    /// <summary>A post mentioning the recipient.</summary>
    public static string Post(PostId post) => $"p:{post.Value}";
}
