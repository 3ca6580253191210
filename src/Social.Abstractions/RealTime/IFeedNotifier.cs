using Social.Abstractions.Notifications;
using Social.Abstractions.Posts;
using Social.Domain.Ids;

namespace Social.Abstractions.RealTime;

/// <summary>
/// Pushes home-timeline changes to the clients connected to the feed (SignalR in the host, on whichever instance
/// holds the connection); who is connected is <see cref="IFeedPresence"/>'s to say. Pushes are at least once: clients
/// ignore an id they already have.
/// </summary>
public interface IFeedNotifier
{
    /// <summary><c>postAdded(Post)</c>: the post entered these readers' home timelines.</summary>
    Task PostAddedAsync(IReadOnlyList<UserId> readers, PostView post);

    /// <summary><c>postRemoved({id})</c>: the post left these readers' home timelines.</summary>
    Task PostRemovedAsync(IReadOnlyList<UserId> readers, PostId post);

    /// <summary><c>commentAdded(Comment)</c>: a comment on a post of <paramref name="postAuthor"/>.</summary>
    Task CommentAddedAsync(UserId postAuthor, CommentView comment);

    /// <summary><c>notificationAdded(Notification)</c>: a new notification for <paramref name="recipient"/>.</summary>
    Task NotificationAddedAsync(UserId recipient, NotificationView notification);
}
