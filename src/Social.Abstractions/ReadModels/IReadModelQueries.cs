using Social.Abstractions.Posts;
using Social.Abstractions.Users;
using Social.Domain.Ids;

namespace Social.Abstractions.ReadModels;

/// <summary>The reads that clients' lists are served from: Redis only, one round trip a page.</summary>
public interface IReadModelQueries
{
    /// <summary>The reader's home timeline: their posts and those of everyone they follow, newest first.</summary>
    Task<TimelinePage> ReadHomeTimelineAsync(UserId reader, PageRequest page);

    /// <summary>The views of these posts, for pushes; posts whose view is missing or deleted are left out.</summary>
    Task<IReadOnlyList<PostView>> ReadPostsAsync(IReadOnlyList<PostId> posts);

    /// <summary>One comment as clients see it, for pushes; null when it is gone.</summary>
    Task<CommentView?> ReadCommentAsync(PostId post, CommentId comment);

    /// <summary>An author's posts, newest first.</summary>
    Task<TimelinePage> ReadUserTimelineAsync(UserId author, PageRequest page);

    /// <summary>The most recent posts with a tag (lower case), newest first.</summary>
    Task<TimelinePage> ReadTagTimelineAsync(string tag, PageRequest page);

    /// <summary>A post's comments, oldest first.</summary>
    Task<Page<CommentView>> ReadCommentsAsync(PostId post, PageRequest page);

    /// <summary>A user's followers (or the users they follow), by handle.</summary>
    Task<Page<UserSummary>> ReadFollowsAsync(UserId user, FollowDirection direction, PageRequest page);

    /// <summary>The counts only the read model knows.</summary>
    Task<UserCounts> ReadCountsAsync(UserId user);
}

/// <summary>Which side of the follower graph to list.</summary>
public enum FollowDirection
{
    /// <summary>Users who follow the user.</summary>
    Followers,

    /// <summary>Users the user follows.</summary>
    Following,
}
