using Social.Abstractions.Notifications;
using Social.Domain.Ids;
using Social.Domain.Posts;
using Social.Domain.Users;

namespace Social.Grains.Projections;

/// <summary>
/// The notifications that events cause (API.md, "Notifications"), as side effects of the projections: who is notified
/// of what, and what undoing an action takes back. Nobody is notified of their own actions; of a post's or comment's
/// mentions, the first <see cref="MaxMentionsNotified"/> are (so at most that many users are notified of one post or
/// comment, the post's author included); a comment that mentions the post's author gives the author the <c>comment</c> only. Every step is idempotent, so a side effect repeated after a crash notifies once.
/// </summary>
public sealed class Notifier(INotificationStore store)
{
    /// <summary>How many of a post's or a comment's mentions are notified, in order of appearance.</summary>
    public const int MaxMentionsNotified = 10;

    internal Task FollowedAsync(UserFollowed e, EventPushes push) =>
        NotifyAsync([Record(e.Followee, NotificationTypes.Follow, e.Follower, null, null, e.At, NotificationCauses.Follow(e.Follower))], push);

    internal Task UnfollowedAsync(UserUnfollowed e) =>
        store.WithdrawAsync(e.Followee, NotificationCauses.Follow(e.Follower), forget: false);

    internal Task PostCreatedAsync(PostCreated e, EventPushes push) => NotifyAsync(
        [.. Mentioned(e.Mentions, e.AuthorId, except: null)
            .Select(user => Record(user, NotificationTypes.Mention, e.AuthorId, e.PostId, null, e.At, NotificationCauses.Post(e.PostId)))],
        push);

    internal Task LikedAsync(PostLiked e, UserId postAuthor, EventPushes push) =>
        NotifyAsync([Record(postAuthor, NotificationTypes.Like, e.UserId, e.PostId, null, e.At, NotificationCauses.Like(e.PostId, e.UserId))], push);

    internal Task UnlikedAsync(PostUnliked e, UserId postAuthor) =>
        store.WithdrawAsync(postAuthor, NotificationCauses.Like(e.PostId, e.UserId), forget: false);

    internal Task CommentAddedAsync(CommentAdded e, UserId postAuthor, EventPushes push)
    {
        var cause = NotificationCauses.Comment(e.CommentId);
        return NotifyAsync(
            [
                Record(postAuthor, NotificationTypes.Comment, e.AuthorId, e.PostId, e.CommentId, e.At, cause),
                .. Mentioned(e.Mentions, e.AuthorId, except: postAuthor)
                    .Select(user => Record(user, NotificationTypes.Mention, e.AuthorId, e.PostId, e.CommentId, e.At, cause)),
            ],
            push);
    }

    internal Task CommentDeletedAsync(CommentDeleted e) => store.WithdrawAboutCommentAsync(e.PostId, e.CommentId);

    internal Task PostDeletedAsync(PostDeleted e) => store.WithdrawAboutPostAsync(e.PostId);

    private static IEnumerable<UserId> Mentioned(IReadOnlyList<string>? mentions, UserId actor, UserId? except) =>
        (mentions ?? []).Take(MaxMentionsNotified).Select(handle => new UserId(handle)).Where(user => user != actor && user != except);

    private static NotificationRecord Record(
        UserId recipient, string type, UserId actor, PostId? post, CommentId? comment, DateTimeOffset at, string cause) =>
        new(NotificationId.For(at, recipient, cause), recipient, type, actor, post, comment, cause);

    // One event's notifications together: one round trip to record who holds some about the post, one to add them all,
    // one presence check. The recipients are recorded first: a crash in between leaves one with nothing to withdraw.
    private async Task NotifyAsync(IReadOnlyList<NotificationRecord> notifications, EventPushes push)
    {
        var records = notifications.Where(n => n.Recipient != n.Actor).ToList();
        if (records.Count == 0)
        {
            return;
        }

        if (records[0].Post is { } post)
        {
            await store.RecordRecipientsAsync(post, [.. records.Select(n => n.Recipient)]);
        }

        var added = await store.AddAsync(records);
        await push.NotificationsAddedAsync(records[0].Actor, [.. records.Zip(added).Where(pair => pair.Second is not null).Select(pair => (pair.First.Recipient, pair.Second!))]);
    }
}
