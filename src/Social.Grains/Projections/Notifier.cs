using Social.Abstractions.Notifications;
using Social.Domain.Ids;
using Social.Domain.Posts;
using Social.Domain.Users;

namespace Social.Grains.Projections;

/// <summary>
/// The notifications that events cause (API.md, "Notifications"), as side effects of the projections: who is notified
/// of what, and what undoing an action takes back. Nobody is notified of their own actions; of a post's or comment's
/// mentions, the first <see cref="MaxMentionsNotified"/> users who would be notified are (the author mentioning themselves
/// takes no place); a comment that mentions the post's author gives the author the <c>comment</c> only. Every step is idempotent, so a side effect repeated after a crash notifies once.
/// </summary>
public sealed class Notifier(INotificationStore store)
{
    /// <summary>How many of a post's or a comment's mentions are notified, in order of appearance.</summary>
    public const int MaxMentionsNotified = 10;

    internal Task FollowedAsync(UserFollowed e, EventPushes push) =>
        NotifyAsync(e.Followee, NotificationTypes.Follow, e.Follower, null, null, e.At, NotificationCauses.Follow(e.Follower), push);

    internal Task UnfollowedAsync(UserUnfollowed e) =>
        store.WithdrawAsync(e.Followee, NotificationCauses.Follow(e.Follower), forget: false);

    internal async Task PostCreatedAsync(PostCreated e, EventPushes push)
    {
        foreach (var mentioned in Mentioned(e.Mentions, e.AuthorId, except: null))
        {
            await NotifyAsync(mentioned, NotificationTypes.Mention, e.AuthorId, e.PostId, null, e.At, NotificationCauses.Post(e.PostId), push);
        }
    }

    internal Task LikedAsync(PostLiked e, UserId postAuthor, EventPushes push) =>
        NotifyAsync(postAuthor, NotificationTypes.Like, e.UserId, e.PostId, null, e.At, NotificationCauses.Like(e.PostId, e.UserId), push);

    internal Task UnlikedAsync(PostUnliked e, UserId postAuthor) =>
        store.WithdrawAsync(postAuthor, NotificationCauses.Like(e.PostId, e.UserId), forget: false);

    internal async Task CommentAddedAsync(CommentAdded e, UserId postAuthor, EventPushes push)
    {
        var cause = NotificationCauses.Comment(e.CommentId);
        await NotifyAsync(postAuthor, NotificationTypes.Comment, e.AuthorId, e.PostId, e.CommentId, e.At, cause, push);
        foreach (var mentioned in Mentioned(e.Mentions, e.AuthorId, except: postAuthor))
        {
            await NotifyAsync(mentioned, NotificationTypes.Mention, e.AuthorId, e.PostId, e.CommentId, e.At, cause, push);
        }
    }

    internal async Task CommentDeletedAsync(CommentDeleted e)
    {
        foreach (var recipient in await store.RecipientsAsync(e.PostId))
        {
            await store.WithdrawAsync(recipient, NotificationCauses.Comment(e.CommentId), forget: true);
        }
    }

    internal async Task PostDeletedAsync(PostDeleted e)
    {
        foreach (var recipient in await store.RecipientsAsync(e.PostId))
        {
            await store.WithdrawAboutPostAsync(recipient, e.PostId);
        }

        await store.ForgetPostAsync(e.PostId);
    }

    private static IEnumerable<UserId> Mentioned(IReadOnlyList<string>? mentions, UserId actor, UserId? except) =>
        (mentions ?? []).Select(handle => new UserId(handle)).Where(user => user != actor && user != except).Take(MaxMentionsNotified);

    private async Task NotifyAsync(
        UserId recipient, string type, UserId actor, PostId? post, CommentId? comment, DateTimeOffset at, string cause, EventPushes push)
    {
        if (recipient == actor)
        {
            return;
        }

        // The post's recipients are recorded first: a crash in between leaves a recipient with nothing to withdraw.
        if (post is { } about)
        {
            await store.RecordRecipientAsync(about, recipient);
        }

        var record = new NotificationRecord(NotificationId.For(at, recipient, cause), recipient, type, actor, post, comment);
        if (await store.AddAsync(record, cause) is { } added)
        {
            await push.NotificationAddedAsync(record, added);
        }
    }
}
