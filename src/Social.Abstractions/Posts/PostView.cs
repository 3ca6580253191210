using Social.Abstractions.Users;

namespace Social.Abstractions.Posts;

/// <summary>A post as clients see it (API.md's <c>Post</c>).</summary>
/// <param name="Id">The time-sortable post id.</param>
/// <param name="Author">Who wrote it.</param>
/// <param name="Text">The text, 1 to 500 characters.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Comments">How many comments it has.</param>
/// <param name="Likes">How many likes it has.</param>
/// <param name="Mentions">The handles of the users it mentions, in order of first appearance.</param>
/// <param name="Tags">Its hashtags, lower case, in order of first appearance.</param>
[GenerateSerializer, Immutable]
public sealed record PostView(
    [property: Id(0)] string Id,
    [property: Id(1)] UserSummary Author,
    [property: Id(2)] string Text,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] long Comments,
    [property: Id(5)] long Likes,
    [property: Id(6)] IReadOnlyList<string> Mentions,
    [property: Id(7)] IReadOnlyList<string> Tags)
{
    /// <summary>A view is a value: two with the same mentions and tags are equal, whatever lists hold them.</summary>
    public bool Equals(PostView? other) =>
        other is not null && Id == other.Id && Author == other.Author && Text == other.Text && CreatedAt == other.CreatedAt
        && Comments == other.Comments && Likes == other.Likes && Mentions.SequenceEqual(other.Mentions) && Tags.SequenceEqual(other.Tags);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, CreatedAt);
}

/// <summary>A comment as clients see it (API.md's <c>Comment</c>).</summary>
/// <param name="Id">The time-sortable comment id.</param>
/// <param name="PostId">The post it belongs to.</param>
/// <param name="Author">Who wrote it.</param>
/// <param name="Text">The text, 1 to 500 characters.</param>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="Mentions">The handles of the users it mentions, in order of first appearance.</param>
[GenerateSerializer, Immutable]
public sealed record CommentView(
    [property: Id(0)] string Id,
    [property: Id(1)] string PostId,
    [property: Id(2)] UserSummary Author,
    [property: Id(3)] string Text,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] IReadOnlyList<string> Mentions)
{
    /// <summary>A view is a value: two with the same mentions are equal, whatever lists hold them.</summary>
    public bool Equals(CommentView? other) =>
        other is not null && Id == other.Id && PostId == other.PostId && Author == other.Author && Text == other.Text
        && CreatedAt == other.CreatedAt && Mentions.SequenceEqual(other.Mentions);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, CreatedAt);
}
