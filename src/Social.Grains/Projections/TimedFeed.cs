using Social.Abstractions.Diagnostics;
using Social.Abstractions.Notifications;
using Social.Abstractions.Posts;
using Social.Abstractions.RealTime;
using Social.Domain.Ids;

namespace Social.Grains.Projections;

/// <summary>A notifier that records, for each push, how long after its event's commit it was sent (social.push.latency).</summary>
internal sealed class TimedFeed(IFeedNotifier inner, TimeProvider clock, DateTimeOffset committedAt) : IFeedNotifier
{
    public async Task PostAddedAsync(IReadOnlyList<UserId> readers, PostView post)
    {
        await inner.PostAddedAsync(readers, post);
        Record("postAdded");
    }

    public async Task PostRemovedAsync(IReadOnlyList<UserId> readers, PostId post)
    {
        await inner.PostRemovedAsync(readers, post);
        Record("postRemoved");
    }

    public async Task CommentAddedAsync(UserId postAuthor, CommentView comment)
    {
        await inner.CommentAddedAsync(postAuthor, comment);
        Record("commentAdded");
    }

    public async Task NotificationAddedAsync(UserId recipient, NotificationView notification)
    {
        await inner.NotificationAddedAsync(recipient, notification);
        Record("notificationAdded");
    }

    private void Record(string message) =>
        SocialMetrics.PushLatency.Record((clock.GetUtcNow() - committedAt).TotalMilliseconds, new KeyValuePair<string, object?>("message", message));
}
