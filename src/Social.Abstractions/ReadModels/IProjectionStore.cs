using Social.Domain.Ids;

namespace Social.Abstractions.ReadModels;

/// <summary>
/// Writes of the projections into the read models (Redis). Every change that follows one event is applied together
/// with that event's stream version, and only when the stored version is the one before it: a redelivered event
/// changes nothing, and an event that arrives after a gap is refused so the projection can catch up first.
/// Writes that touch many keys (fan-out to home timelines) are idempotent instead, and batched; they run after the
/// event is applied, and the checkpoint records whether they completed, so that a crash between the two is repaired.
/// Follows, unfollows, blocks, unmutes, post creations and deletions, comments, likes and their undoing (notifications and pushes) and
/// account deletions (the erasure) have such side effects: applying them leaves
/// <see cref="ProjectionCheckpoint.SideEffectsDone"/> behind until <see cref="MarkSideEffectsDoneAsync"/>; other events
/// move it along with them only when nothing before them is pending.
/// </summary>
public interface IProjectionStore
{
    /// <summary>How far a stream's events have been applied, and how far their side effects (fan-out) have completed.</summary>
    Task<ProjectionCheckpoint> GetCheckpointAsync(string streamId);

    /// <summary>Records that the side effects of the stream's event <paramref name="version"/> are complete.</summary>
    Task MarkSideEffectsDoneAsync(string streamId, long version);

    /// <summary>Stores a profile (registration or update) at <paramref name="version"/>.</summary>
    Task<bool> ApplyProfileAsync(string streamId, long version, ProfileRecord profile);

    /// <summary>Adds the follow to both users' lists at <paramref name="version"/> of the follower's stream.</summary>
    Task<bool> ApplyFollowAsync(string streamId, long version, UserId follower, UserId followee);

    /// <summary>Removes the follow from both users' lists at <paramref name="version"/> of the follower's stream.</summary>
    Task<bool> ApplyUnfollowAsync(string streamId, long version, UserId follower, UserId followee);

    /// <summary>Records that <paramref name="blocker"/> blocks <paramref name="blocked"/> (or no longer does), on both sides.</summary>
    Task<bool> ApplyBlockAsync(string streamId, long version, UserId blocker, UserId blocked, bool blocks);

    /// <summary>Records that <paramref name="muter"/> mutes <paramref name="muted"/> (or no longer does).</summary>
    Task<bool> ApplyMuteAsync(string streamId, long version, UserId muter, UserId muted, bool mutes);

    /// <summary>Stores the post's view, puts it in its author's timeline and counts it.</summary>
    Task<bool> ApplyPostCreatedAsync(string streamId, long version, PostRecord post);

    /// <summary>Leaves a tombstone for the post, takes it out of its author's timeline and the count.</summary>
    Task<bool> ApplyPostDeletedAsync(string streamId, long version, PostId post, UserId author);

    /// <summary>Stores a comment, adds it to the post's comment page and count.</summary>
    Task<bool> ApplyCommentAddedAsync(string streamId, long version, CommentRecord comment);

    /// <summary>Removes a comment from the post's comment page and count.</summary>
    Task<bool> ApplyCommentDeletedAsync(string streamId, long version, PostId post, CommentId comment);

    /// <summary>Changes the post's like count by <paramref name="delta"/>.</summary>
    Task<bool> ApplyLikesChangedAsync(string streamId, long version, PostId post, int delta);

    /// <summary>Removes what only a deleted user is shown by (their profile) or reads (their home timeline, notifications); the account's erasure is its side effect.</summary>
    Task<bool> ApplyAccountDeletedAsync(string streamId, long version, UserId user);

    /// <summary>Moves the user's notification read marker forward to <paramref name="lastRead"/> (never back).</summary>
    Task<bool> ApplyNotificationsReadAsync(string streamId, long version, UserId user, NotificationId lastRead);

    /// <summary>Only records that <paramref name="version"/> was applied (for events with nothing to change).</summary>
    Task<bool> ApplyNothingAsync(string streamId, long version);

    /// <summary>The followers of <paramref name="author"/>, in batches of up to <paramref name="batchSize"/>.</summary>
    IAsyncEnumerable<IReadOnlyList<UserId>> ReadFollowersInBatchesAsync(UserId author, int batchSize);

    /// <summary>Whether <paramref name="follower"/> follows <paramref name="followee"/>.</summary>
    Task<bool> FollowsAsync(UserId follower, UserId followee);

    /// <summary>The number of followers of a user.</summary>
    Task<long> CountFollowersAsync(UserId user);

    /// <summary>
    /// Puts a post into the home timelines of <paramref name="readers"/>, each capped, a batch per round trip, except
    /// those of readers who block, are blocked by or mute its author; answers the readers it was put in front of. A post
    /// that lands behind a newer one is remembered as a late arrival, so that <c>?since=</c> still finds it.
    /// </summary>
    Task<IReadOnlyList<UserId>> AddToHomeTimelinesAsync(IReadOnlyList<UserId> readers, PostId post);

    /// <summary>Takes a post out of the home timelines of <paramref name="readers"/>.</summary>
    Task RemoveFromHomeTimelinesAsync(IReadOnlyList<UserId> readers, PostId post);

    /// <summary>
    /// Merges the author's most recent posts (up to <paramref name="count"/>) into a reader's home timeline; answers
    /// those that were not there yet.
    /// </summary>
    Task<IReadOnlyList<PostId>> MergeIntoHomeTimelineAsync(UserId reader, UserId author, int count);

    /// <summary>Takes the author's posts out of a reader's home timeline; answers the author's recent posts (which leave the reader's pages).</summary>
    Task<IReadOnlyList<PostId>> RemoveAuthorFromHomeTimelineAsync(UserId reader, UserId author);

    /// <summary>Marks an author as too widely followed to fan out on write (their posts are merged at read time), or not.</summary>
    Task SetMergedAtReadTimeAsync(UserId author, bool merged);

    /// <summary>Drops every read model, for a rebuild from the event store.</summary>
    Task DropAllAsync();
}
