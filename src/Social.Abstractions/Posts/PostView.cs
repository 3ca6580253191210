using Social.Abstractions.Users;

namespace Social.Abstractions.Posts;

/// <summary>A post as clients see it (API.md's <c>Post</c>).</summary>
/// <param name="Id">The time-sortable post id.</param>
/// <param name="Author">Who wrote it.</param>
/// <param name="Text">The text, 1 to 500 characters.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Comments">How many comments it has.</param>
/// <param name="Likes">How many likes it has.</param>
[GenerateSerializer, Immutable]
public sealed record PostView(
    [property: Id(0)] string Id,
    [property: Id(1)] UserSummary Author,
    [property: Id(2)] string Text,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] long Comments,
    [property: Id(5)] long Likes);

/// <summary>A comment as clients see it (API.md's <c>Comment</c>).</summary>
/// <param name="Id">The time-sortable comment id.</param>
/// <param name="PostId">The post it belongs to.</param>
/// <param name="Author">Who wrote it.</param>
/// <param name="Text">The text, 1 to 500 characters.</param>
/// <param name="CreatedAt">When it was written.</param>
[GenerateSerializer, Immutable]
public sealed record CommentView(
    [property: Id(0)] string Id,
    [property: Id(1)] string PostId,
    [property: Id(2)] UserSummary Author,
    [property: Id(3)] string Text,
    [property: Id(4)] DateTimeOffset CreatedAt);
