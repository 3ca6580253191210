using Social.Abstractions.Posts;
using Social.Domain.Ids;

namespace Social.Abstractions.RealTime;

/// <summary>
/// Pushes home-timeline changes to the clients connected to the feed (SignalR in the host, on whichever instance
/// holds the connection). The projections ask first who of a batch of readers is connected, so that an offline reader
/// costs no push and no post view is read for nobody. Pushes are at least once: clients ignore an id they already have.
/// </summary>
public interface IFeedNotifier
{
    /// <summary>The readers among <paramref name="readers"/> who have a feed connection open.</summary>
    Task<IReadOnlyList<UserId>> ConnectedAsync(IReadOnlyList<UserId> readers);

    /// <summary>The followers of <paramref name="author"/> who have a feed connection open, found without visiting the others.</summary>
    Task<IReadOnlyList<UserId>> ConnectedFollowersAsync(UserId author);

    /// <summary><c>postAdded(Post)</c>: the post entered these readers' home timelines.</summary>
    Task PostAddedAsync(IReadOnlyList<UserId> readers, PostView post);

    /// <summary><c>postRemoved({id})</c>: the post left these readers' home timelines.</summary>
    Task PostRemovedAsync(IReadOnlyList<UserId> readers, PostId post);

    /// <summary><c>commentAdded(Comment)</c>: a comment on a post of <paramref name="postAuthor"/>.</summary>
    Task CommentAddedAsync(UserId postAuthor, CommentView comment);
}
