namespace Social.Abstractions.Users;

/// <summary>A user as clients see it (API.md's <c>User</c>).</summary>
/// <param name="Handle">The unique, lower-case handle.</param>
/// <param name="DisplayName">The name shown beside the handle.</param>
/// <param name="Bio">A short text about the user.</param>
/// <param name="Followers">How many users follow this one.</param>
/// <param name="Following">How many users this one follows.</param>
/// <param name="Posts">How many posts the user has (deleted ones excluded).</param>
/// <param name="CreatedAt">When the user registered.</param>
[GenerateSerializer, Immutable]
public sealed record UserView(
    [property: Id(0)] string Handle,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string Bio,
    [property: Id(3)] long Followers,
    [property: Id(4)] long Following,
    [property: Id(5)] long Posts,
    [property: Id(6)] DateTimeOffset CreatedAt);

/// <summary>A user as shown beside a post or in a list (API.md's <c>UserSummary</c>).</summary>
/// <param name="Handle">The unique, lower-case handle.</param>
/// <param name="DisplayName">The name shown beside the handle.</param>
[GenerateSerializer, Immutable]
public sealed record UserSummary([property: Id(0)] string Handle, [property: Id(1)] string DisplayName);
