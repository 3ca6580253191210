using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Domain.Text;

namespace Social.Domain.Posts;

/// <summary>
/// A post's write-side state. It changes only through <c>Apply</c>; the decisions validate a
/// command against it and return the event to raise (null when the command is a retry or would
/// change nothing), or throw a <see cref="DomainException"/>.
/// </summary>
[GenerateSerializer, Alias("Social.Domain.Posts.PostState")]
public sealed class PostState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public bool IsDeleted { get; set; }
    [Id(2)] public PostId Id { get; set; }
    [Id(3)] public UserId AuthorId { get; set; }
    [Id(4)] public string Text { get; set; } = string.Empty;
    [Id(5)] public DateTimeOffset CreatedAt { get; set; }
    [Id(11)] public IReadOnlyList<string> Mentions { get; set; } = [];
    [Id(12)] public IReadOnlyList<string> Tags { get; set; } = [];

    // Counts only: the comments and the likers themselves are looked up in the stream when a command needs one
    // (IPostActivity), so a post's memory does not grow with its popularity.
    [Id(9)] public int CommentCount { get; set; }

    [Id(10)] public int LikeCount { get; set; }

    /// <summary>
    /// How many times one user may take their like of a post back and like it again: the post's stream then holds at
    /// most 2 × this like events per user (five likes and five take-backs), however often a client toggles.
    /// </summary>
    public const int MaxUnlikes = 5;

    /// <summary>True when the post exists and is not deleted.</summary>
    public bool IsLive => Exists && !IsDeleted;

    /// <summary>
    /// Returns null when this exact command already created the post (same id, author and text:
    /// a retry); throws a conflict when the id is taken by something else. The post mentions the users of
    /// <see cref="TextEntities.Mentions"/> for whom <paramref name="isUser"/> holds.
    /// </summary>
    public PostCreated? Create(PostId id, UserId author, string text, Func<string, bool> isUser, DateTimeOffset at)
    {
        var normalized = TextRules.PostText(text);
        if (Exists)
        {
            return Id == id && AuthorId == author && Text == normalized
                ? null
                : throw new ConflictException($"A post with the id '{id}' already exists.");
        }

        return new PostCreated(id, author, normalized, at, [.. TextEntities.Mentions(normalized).Where(isUser)], TextEntities.Tags(normalized));
    }

    public PostDeleted Delete(UserId by, DateTimeOffset at)
    {
        EnsureLive();
        return by == AuthorId
            ? new PostDeleted(Id, AuthorId, at)
            : throw new ForbiddenException("Only the author can delete a post.");
    }

    /// <summary>
    /// Returns null when this exact comment (same id, author and text) exists already (<paramref name="existing"/>, the
    /// live comment with that id if there is one): a retry; throws a conflict when the id is taken by another comment.
    /// Mentions as for <see cref="Create"/>.
    /// </summary>
    public CommentAdded? AddComment(CommentId id, UserId author, string text, CommentState? existing, Func<string, bool> isUser, DateTimeOffset at)
    {
        EnsureLive();
        var normalized = TextRules.CommentText(text);
        if (existing is not null)
        {
            return existing.AuthorId == author && existing.Text == normalized
                ? null
                : throw new ConflictException($"A comment with the id '{id}' already exists.");
        }

        return new CommentAdded(Id, id, author, normalized, at, [.. TextEntities.Mentions(normalized).Where(isUser)]);
    }

    /// <summary>The comment's author or the post's author may delete a comment (<paramref name="comment"/>: the live one with <paramref name="id"/>, if any).</summary>
    public CommentDeleted DeleteComment(CommentId id, CommentState? comment, UserId by, DateTimeOffset at)
    {
        EnsureLive();
        if (comment is null)
        {
            throw new NotFoundException($"There is no comment '{id}' on this post.");
        }

        return by == comment.AuthorId || by == AuthorId
            ? new CommentDeleted(Id, id, by, at)
            : throw new ForbiddenException("Only the comment's author or the post's author can delete a comment.");
    }

    /// <summary>Returns null when already liked; a conflict once the user took their like back <see cref="MaxUnlikes"/> times.</summary>
    public PostLiked? Like(UserId by, LikeRecord record, DateTimeOffset at)
    {
        EnsureLive();
        if (record.Liked)
        {
            return null;
        }

        return record.Unlikes < MaxUnlikes
            ? new PostLiked(Id, by, at)
            : throw new ConflictException($"You took your like of this post back {MaxUnlikes} times; it cannot be liked again.");
    }

    /// <summary>Returns null when not liked.</summary>
    public PostUnliked? Unlike(UserId by, LikeRecord record, DateTimeOffset at)
    {
        EnsureLive();
        return record.Liked ? new PostUnliked(Id, by, at) : null;
    }

    public void Apply(PostEvent e)
    {
        switch (e)
        {
            case PostCreated created: Apply(created); break;
            case PostDeleted deleted: Apply(deleted); break;
            case CommentAdded added: Apply(added); break;
            case CommentDeleted removed: Apply(removed); break;
            case PostLiked liked: Apply(liked); break;
            case PostUnliked unliked: Apply(unliked); break;
            default: throw new ArgumentException($"Unknown post event '{e?.GetType().Name}'.", nameof(e));
        }
    }

    public void Apply(PostCreated e)
    {
        Exists = true;
        Id = e.PostId;
        AuthorId = e.AuthorId;
        Text = e.Text;
        CreatedAt = e.At;
        Mentions = e.Mentions ?? [];
        Tags = e.Tags ?? [];
    }

    public void Apply(PostDeleted _) => IsDeleted = true;

    public void Apply(CommentAdded _) => CommentCount++;

    public void Apply(CommentDeleted _) => CommentCount--;

    public void Apply(PostLiked _) => LikeCount++;

    public void Apply(PostUnliked _) => LikeCount--;

    private void EnsureLive()
    {
        if (!IsLive)
        {
            throw new NotFoundException(Exists ? $"There is no post '{Id}'; it was deleted." : "There is no such post.");
        }
    }
}
