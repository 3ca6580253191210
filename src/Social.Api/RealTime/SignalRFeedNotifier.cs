using Microsoft.AspNetCore.SignalR;
using Social.Abstractions.Notifications;
using Social.Abstractions.Posts;
using Social.Abstractions.RealTime;
using Social.Domain.Ids;

namespace Social.Api.RealTime;

/// <summary>
/// Pushes through the feed hub's groups. With the Redis backplane a group send is published to Redis and delivered
/// by whichever instance holds the group's connections, so the projection may run anywhere in the cluster.
/// </summary>
internal sealed class SignalRFeedNotifier(IHubContext<FeedHub> hub) : IFeedNotifier
{
    public Task PostAddedAsync(IReadOnlyList<UserId> readers, PostView post) =>
        GroupsOf(readers).SendAsync(FeedMessages.PostAdded, post);

    public Task PostRemovedAsync(IReadOnlyList<UserId> readers, PostId post) =>
        GroupsOf(readers).SendAsync(FeedMessages.PostRemoved, new PostRemoved(post.Value));

    public Task CommentAddedAsync(UserId postAuthor, CommentView comment) =>
        hub.Clients.Group(FeedHub.GroupOf(postAuthor)).SendAsync(FeedMessages.CommentAdded, comment);

    public Task NotificationAddedAsync(UserId recipient, NotificationView notification) =>
        hub.Clients.Group(FeedHub.GroupOf(recipient)).SendAsync(FeedMessages.NotificationAdded, notification);

    private IClientProxy GroupsOf(IReadOnlyList<UserId> readers) => hub.Clients.Groups([.. readers.Select(FeedHub.GroupOf)]);
}
