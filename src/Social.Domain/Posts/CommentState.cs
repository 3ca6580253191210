using Social.Domain.Ids;

namespace Social.Domain.Posts;

/// <summary>A live comment of a post.</summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Posts.CommentState")]
public sealed record CommentState(
    [property: Id(0)] CommentId Id,
    [property: Id(1)] UserId AuthorId,
    [property: Id(2)] string Text,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] IReadOnlyList<string> Mentions);
