using System.Collections.Concurrent;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Domain.Ids;

namespace Social.Grains.Tests.TestHost;

/// <summary>
/// Wraps the silos' projection stores so that a chosen fan-out write fails once, as a Redis blip would fail it
/// (<see cref="StoreUnavailableException"/>, which is what the Redis store throws when Redis does not answer).
/// Everything else goes straight to the real store.
/// </summary>
public sealed class FlakyFanOut
{
    private readonly ConcurrentDictionary<PostId, bool> _postFanOuts = new();
    private readonly ConcurrentDictionary<UserId, bool> _backfills = new();

    public IProjectionStore Wrap(IProjectionStore inner) => new Store(this, inner);

    /// <summary>The first write of the post into its followers' home timelines (after its author's own) fails.</summary>
    public void FailFirstFanOutOf(PostId post) => _postFanOuts[post] = true;

    /// <summary>The first follow backfill into the reader's home timeline fails.</summary>
    public void FailFirstBackfillInto(UserId reader) => _backfills[reader] = true;

    private static StoreUnavailableException Blip() => new("Redis", new TimeoutException("A Redis blip injected by the test."));

    private sealed class Store(FlakyFanOut owner, IProjectionStore inner) : IProjectionStore
    {
        public Task<ProjectionCheckpoint> GetCheckpointAsync(string streamId) => inner.GetCheckpointAsync(streamId);

        public Task MarkSideEffectsDoneAsync(string streamId, long version) => inner.MarkSideEffectsDoneAsync(streamId, version);

        public Task<bool> ApplyProfileAsync(string streamId, long version, ProfileRecord profile) => inner.ApplyProfileAsync(streamId, version, profile);

        public Task<bool> ApplyFollowAsync(string streamId, long version, UserId follower, UserId followee) =>
            inner.ApplyFollowAsync(streamId, version, follower, followee);

        public Task<bool> ApplyUnfollowAsync(string streamId, long version, UserId follower, UserId followee) =>
            inner.ApplyUnfollowAsync(streamId, version, follower, followee);

        public Task<bool> ApplyPostCreatedAsync(string streamId, long version, PostRecord post) => inner.ApplyPostCreatedAsync(streamId, version, post);

        public Task<bool> ApplyPostDeletedAsync(string streamId, long version, PostId post, UserId author) =>
            inner.ApplyPostDeletedAsync(streamId, version, post, author);

        public Task<bool> ApplyCommentAddedAsync(string streamId, long version, CommentRecord comment) =>
            inner.ApplyCommentAddedAsync(streamId, version, comment);

        public Task<bool> ApplyCommentDeletedAsync(string streamId, long version, PostId post, CommentId comment) =>
            inner.ApplyCommentDeletedAsync(streamId, version, post, comment);

        public Task<bool> ApplyLikesChangedAsync(string streamId, long version, PostId post, int delta) =>
            inner.ApplyLikesChangedAsync(streamId, version, post, delta);

        public Task<bool> ApplyAccountDeletedAsync(string streamId, long version, UserId user) => inner.ApplyAccountDeletedAsync(streamId, version, user);

        public Task<bool> ApplyNothingAsync(string streamId, long version) => inner.ApplyNothingAsync(streamId, version);

        public Task<bool> ApplyBlockAsync(string streamId, long version, UserId blocker, UserId blocked, bool blocks) =>
            inner.ApplyBlockAsync(streamId, version, blocker, blocked, blocks);

        public Task<bool> ApplyMuteAsync(string streamId, long version, UserId muter, UserId muted, bool mutes) =>
            inner.ApplyMuteAsync(streamId, version, muter, muted, mutes);

        public Task<bool> ApplyNotificationsReadAsync(string streamId, long version, UserId user, NotificationId lastRead) =>
            inner.ApplyNotificationsReadAsync(streamId, version, user, lastRead);

        public IAsyncEnumerable<IReadOnlyList<UserId>> ReadFollowersInBatchesAsync(UserId author, int batchSize) =>
            inner.ReadFollowersInBatchesAsync(author, batchSize);

        public Task<long> CountFollowersAsync(UserId user) => inner.CountFollowersAsync(user);

        public Task<bool> FollowsAsync(UserId follower, UserId followee) => inner.FollowsAsync(follower, followee);

        public Task<IReadOnlyList<UserId>> AddToHomeTimelinesAsync(IReadOnlyList<UserId> readers, PostId post) =>
            readers.Count > 1 && owner._postFanOuts.TryRemove(post, out _)
                ? Task.FromException<IReadOnlyList<UserId>>(Blip())
                : inner.AddToHomeTimelinesAsync(readers, post);

        public Task RemoveFromHomeTimelinesAsync(IReadOnlyList<UserId> readers, PostId post) => inner.RemoveFromHomeTimelinesAsync(readers, post);

        public Task<IReadOnlyList<PostId>> MergeIntoHomeTimelineAsync(UserId reader, UserId author, int count) =>
            owner._backfills.TryRemove(reader, out _)
                ? Task.FromException<IReadOnlyList<PostId>>(Blip())
                : inner.MergeIntoHomeTimelineAsync(reader, author, count);

        public Task<IReadOnlyList<PostId>> RemoveAuthorFromHomeTimelineAsync(UserId reader, UserId author) => inner.RemoveAuthorFromHomeTimelineAsync(reader, author);

        public Task SetMergedAtReadTimeAsync(UserId author, bool merged) => inner.SetMergedAtReadTimeAsync(author, merged);

        public Task DropAllAsync() => inner.DropAllAsync();
    }
}
