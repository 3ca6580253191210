using Social.Domain.Ids;

namespace Social.Abstractions.ReadModels;

/// <summary>A post as the read model keeps it; the author's display name is joined in when a page is read.</summary>
/// <param name="Id">The post id.</param>
/// <param name="AuthorId">The author.</param>
/// <param name="Text">The text.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Mentions">The handles it mentions.</param>
/// <param name="Tags">Its tags.</param>
public sealed record PostRecord(PostId Id, UserId AuthorId, string Text, DateTimeOffset CreatedAt, IReadOnlyList<string> Mentions, IReadOnlyList<string> Tags);

/// <summary>A comment as the read model keeps it.</summary>
/// <param name="Id">The comment id.</param>
/// <param name="PostId">The post it belongs to.</param>
/// <param name="AuthorId">The author.</param>
/// <param name="Text">The text.</param>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="Mentions">The handles it mentions.</param>
public sealed record CommentRecord(CommentId Id, PostId PostId, UserId AuthorId, string Text, DateTimeOffset CreatedAt, IReadOnlyList<string> Mentions);

/// <summary>What the read model keeps of a profile: what pages show beside a handle (the rest is the user grain's).</summary>
/// <param name="Id">The user.</param>
/// <param name="DisplayName">The name shown beside the handle.</param>
public sealed record ProfileRecord(UserId Id, string DisplayName);

/// <summary>The counts of a user that only the read model knows.</summary>
/// <param name="Followers">How many users follow the user.</param>
/// <param name="Posts">How many live posts the user has.</param>
[GenerateSerializer, Immutable]
public sealed record UserCounts([property: Id(0)] long Followers, [property: Id(1)] long Posts);

/// <summary>A projection's position in one event-store stream.</summary>
/// <param name="Applied">The last version applied to the read models (0 for none).</param>
/// <param name="SideEffectsDone">The last version whose side effects (fan-out) completed; below <paramref name="Applied"/> after a crash.</param>
public sealed record ProjectionCheckpoint(long Applied, long SideEffectsDone);
