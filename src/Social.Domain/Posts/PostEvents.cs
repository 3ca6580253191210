using Social.Domain.Ids;

namespace Social.Domain.Posts;

// Serializer ids are never reused; a new field gets the next id. Storage names live in EventTypes.

[GenerateSerializer, Alias("Social.Domain.Posts.PostEvent")]
public abstract record PostEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Posts.PostCreated")]
public sealed record PostCreated(
    [property: Id(0)] PostId PostId,
    [property: Id(1)] UserId AuthorId,
    [property: Id(2)] string Text,
    [property: Id(3)] DateTimeOffset At) : PostEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Posts.PostDeleted")]
public sealed record PostDeleted(
    [property: Id(0)] PostId PostId,
    [property: Id(1)] UserId AuthorId,
    [property: Id(2)] DateTimeOffset At) : PostEvent;

[GenerateSerializer, Immutable, Alias("Social.Domain.Posts.CommentAdded")]
public sealed record CommentAdded(
    [property: Id(0)] PostId PostId,
    [property: Id(1)] CommentId CommentId,
    [property: Id(2)] UserId AuthorId,
    [property: Id(3)] string Text,
    [property: Id(4)] DateTimeOffset At) : PostEvent;

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
