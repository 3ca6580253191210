using Social.Domain.Ids;

namespace Social.Abstractions.Users;

/// <summary>
/// The event store's side of deleting an account: finding what the user did that others still see, and, once that is
/// undone by commands, blanking the user's personal data in the stored events (see <c>PersonalData</c>).
/// </summary>
public interface IAccountErasureStore
{
    /// <summary>Every post, comment and like the user ever made and every user who ever followed them, live or undone since.</summary>
    /// <exception cref="EventStore.StoreUnavailableException">The store cannot be reached.</exception>
    Task<AccountFootprint> FindFootprintAsync(UserId user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Blanks the user's personal data in every stored event, forgets the responses recorded for their idempotent
    /// requests and drops the snapshots of their streams. Idempotent: a failure part way is mended by running it again.
    /// </summary>
    /// <exception cref="EventStore.StoreUnavailableException">The store cannot be reached.</exception>
    Task RedactAsync(UserId user, CancellationToken cancellationToken = default);
}

/// <summary>What a user did that outlives their account until it is undone, as the event store records it.</summary>
/// <param name="Posts">The posts they wrote.</param>
/// <param name="Comments">The comments they wrote, with the posts they are on.</param>
/// <param name="Likes">The posts they liked (at some time: unliked since or not).</param>
/// <param name="Followers">The users who followed them (at some time).</param>
public sealed record AccountFootprint(
    IReadOnlyList<PostId> Posts,
    IReadOnlyList<(PostId Post, CommentId Comment)> Comments,
    IReadOnlyList<PostId> Likes,
    IReadOnlyList<UserId> Followers);
