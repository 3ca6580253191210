using Social.Domain.Ids;
using Social.Domain.Posts;

namespace Social.Abstractions.Posts;

/// <summary>
/// The one comment or the one user's like that a post's command is about, as the post's stream records it, looked up
/// in the event store: the post's grain keeps counts, not its comments and likers, so its memory does not grow with
/// its popularity.
/// </summary>
public interface IPostActivity
{
    /// <summary>The comment, when it was added to the post and not deleted since; else null.</summary>
    /// <exception cref="EventStore.StoreUnavailableException">The store cannot be reached.</exception>
    Task<CommentState?> FindLiveCommentAsync(PostId post, CommentId comment);

    /// <summary>Whether the user likes the post, and how often they took their like back.</summary>
    /// <exception cref="EventStore.StoreUnavailableException">The store cannot be reached.</exception>
    Task<LikeRecord> FindLikeAsync(PostId post, UserId user);
}
