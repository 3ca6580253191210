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

    /// <summary>An author's posts, newest first (whom the author blocks gets a 404 before this is read; the blocker may still read them).</summary>
    Task<TimelinePage> ReadUserTimelineAsync(UserId author, PageRequest page);

    /// <summary>The most recent posts with a tag (lower case), newest first, without those hidden from <paramref name="reader"/> by a block.</summary>
    Task<TimelinePage> ReadTagTimelineAsync(string tag, PageRequest page, UserId? reader = null);

    /// <summary>A post's comments, oldest first, without those hidden from <paramref name="reader"/> by a block.</summary>
    Task<Page<CommentView>> ReadCommentsAsync(PostId post, PageRequest page, UserId? reader = null);

    /// <summary>A list of users: a user's followers, the users they follow, block or mute; by handle, without those hidden from <paramref name="reader"/> by a block.</summary>
    Task<Page<UserSummary>> ReadUserListAsync(UserId user, UserList list, PageRequest page, UserId? reader = null);

    /// <summary>Those of <paramref name="readers"/> who see what <paramref name="author"/> writes: neither blocks the other (and, with <paramref name="mutes"/>, the reader does not mute them).</summary>
    Task<IReadOnlyList<UserId>> WhoSeesAsync(UserId author, IReadOnlyList<UserId> readers, bool mutes);

    /// <summary>Whether <paramref name="blocker"/> blocks <paramref name="other"/>: then <paramref name="other"/> may not read their profile and posts.</summary>
    Task<bool> BlocksAsync(UserId blocker, UserId other);

    /// <summary>The counts only the read model knows.</summary>
    Task<UserCounts> ReadCountsAsync(UserId user);
}

/// <summary>Which list of users to read.</summary>
public enum UserList
{
    /// <summary>Users who follow the user.</summary>
    Followers,

    /// <summary>Users the user follows.</summary>
    Following,

    /// <summary>Users the user blocks.</summary>
    Blocks,

    /// <summary>Users the user mutes.</summary>
    Mutes,
}
