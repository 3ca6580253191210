using Social.Domain.Ids;

namespace Social.Domain.Posts;

// Serializer ids are never reused; a new field gets the next id. Storage names live in EventTypes.

[GenerateSerializer, Alias("Social.Domain.Posts.PostEvent")]
public abstract record PostEvent;

/// <summary>
/// A new post, with the users it mentions (registered when it was made) and its tags, parsed once here so that
/// projections and rebuilds never parse again. Null in posts made before mentions and tags were recorded: none.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Posts.PostCreated")]
public sealed record PostCreated(
    [property: Id(0)] PostId PostId,
    [property: Id(1)] UserId AuthorId,
    [property: Id(2)] string Text,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] IReadOnlyList<string>? Mentions = null,
    [property: Id(5)] IReadOnlyList<string>? Tags = null) : PostEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Posts.PostDeleted")]
public sealed record PostDeleted(
    [property: Id(0)] PostId PostId,
    [property: Id(1)] UserId AuthorId,
    [property: Id(2)] DateTimeOffset At) : PostEvent;

/// <summary>A comment, with the users it mentions as for <see cref="PostCreated"/>.</summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Posts.CommentAdded")]
public sealed record CommentAdded(
    [property: Id(0)] PostId PostId,
    [property: Id(1)] CommentId CommentId,
    [property: Id(2)] UserId AuthorId,
    [property: Id(3)] string Text,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] IReadOnlyList<string>? Mentions = null) : PostEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Posts.CommentDeleted")]
public sealed record CommentDeleted(
    [property: Id(0)] PostId PostId,
    [property: Id(1)] CommentId CommentId,
    [property: Id(2)] UserId DeletedBy,
    [property: Id(3)] DateTimeOffset At) : PostEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Posts.PostLiked")]
public sealed record PostLiked(
    [property: Id(0)] PostId PostId,
    [property: Id(1)] UserId UserId,
    [property: Id(2)] DateTimeOffset At) : PostEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Posts.PostUnliked")]
public sealed record PostUnliked(
    [property: Id(0)] PostId PostId,
    [property: Id(1)] UserId UserId,
    [property: Id(2)] DateTimeOffset At) : PostEvent;
