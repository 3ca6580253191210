using Social.Domain.Ids;

namespace Social.Abstractions.Posts;

/// <summary>
/// A post with its comments and likes, keyed by the post id. The id is chosen by the caller (a time-sortable
/// id), so that a retried create reaches the same grain and creates nothing twice.
/// </summary>
public interface IPostGrain : IGrainWithStringKey
{
    /// <summary>Creates the post; repeating the same create is harmless and returns the same post.</summary>
    Task<PostView> CreateAsync(UserId author, string text);

    /// <summary>The post; fails with not found when it does not exist or was deleted.</summary>
    Task<PostView> GetAsync();

    /// <summary>Deletes the post; only its author may (else forbidden).</summary>
    Task DeleteAsync(UserId by);

    /// <summary>Adds a comment with a caller-chosen id; fails when the post is deleted or the text is invalid.</summary>
    Task<CommentView> AddCommentAsync(CommentId commentId, UserId author, string text);

    /// <summary>Deletes a comment; only the comment's author or the post's author may.</summary>
    Task DeleteCommentAsync(CommentId commentId, UserId by);

    /// <summary>Likes the post; liking twice is not an error.</summary>
    Task LikeAsync(UserId by);

    /// <summary>Takes a like back; doing so twice is not an error.</summary>
    Task UnlikeAsync(UserId by);
}
