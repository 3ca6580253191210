using System.Collections.Concurrent;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Domain.Ids;

namespace Social.Grains.Tests.TestHost;

/// <summary>
/// Wraps each silo's projection store (see <see cref="ProjectionCluster.StartAsync"/>) so that every batch of fan-out
/// writes (post fan-out, delete propagation, follow backfill, unfollow removal) takes a while, as it does for authors
/// with many followers; a test can then kill a silo while its projections are half-way through. After
/// <see cref="Crash"/>, the silo's store answers nothing any more, as a dead process would not.
/// </summary>
public sealed class SlowFanOut(TimeSpan delayPerBatch)
{
    private readonly TimeSpan _delay = delayPerBatch;
    private readonly ConcurrentDictionary<string, SiloCounters> _silos = new(StringComparer.Ordinal);

    public IProjectionStore Wrap(string silo, IProjectionStore inner) => new Store(this, _silos.GetOrAdd(silo, _ => new SiloCounters()), inner);

    /// <summary>Fan-out batches under way in the silo now.</summary>
    public int InFlight(string silo) => _silos.TryGetValue(silo, out var counters) ? Volatile.Read(ref counters.InFlight) : 0;

    /// <summary>Fan-out batches the silo has written.</summary>
    public int Written(string silo) => _silos.TryGetValue(silo, out var counters) ? Volatile.Read(ref counters.Written) : 0;

    /// <summary>From now on the silo's store fails every call, and no write of it reaches Redis.</summary>
    public void Crash(string silo) => _silos.GetOrAdd(silo, _ => new SiloCounters()).Crashed = true;

    private sealed class SiloCounters
    {
        public int InFlight;
        public int Written;
        public volatile bool Crashed;
    }

    private sealed class Store(SlowFanOut owner, SiloCounters counters, IProjectionStore inner) : IProjectionStore
    {
        public Task<ProjectionCheckpoint> GetCheckpointAsync(string streamId) => Run(() => inner.GetCheckpointAsync(streamId));

        public Task MarkSideEffectsDoneAsync(string streamId, long version) => Run(() => inner.MarkSideEffectsDoneAsync(streamId, version));

        public Task<bool> ApplyProfileAsync(string streamId, long version, ProfileRecord profile) =>
            Run(() => inner.ApplyProfileAsync(streamId, version, profile));

        public Task<bool> ApplyFollowAsync(string streamId, long version, UserId follower, UserId followee) =>
            Run(() => inner.ApplyFollowAsync(streamId, version, follower, followee));

        public Task<bool> ApplyUnfollowAsync(string streamId, long version, UserId follower, UserId followee) =>
            Run(() => inner.ApplyUnfollowAsync(streamId, version, follower, followee));

        public Task<bool> ApplyPostCreatedAsync(string streamId, long version, PostRecord post) =>
            Run(() => inner.ApplyPostCreatedAsync(streamId, version, post));

        public Task<bool> ApplyPostDeletedAsync(string streamId, long version, PostId post, UserId author) =>
            Run(() => inner.ApplyPostDeletedAsync(streamId, version, post, author));

        public Task<bool> ApplyCommentAddedAsync(string streamId, long version, CommentRecord comment) =>
            Run(() => inner.ApplyCommentAddedAsync(streamId, version, comment));

        public Task<bool> ApplyCommentDeletedAsync(string streamId, long version, PostId post, CommentId comment) =>
            Run(() => inner.ApplyCommentDeletedAsync(streamId, version, post, comment));

        public Task<bool> ApplyLikesChangedAsync(string streamId, long version, PostId post, int delta) =>
            Run(() => inner.ApplyLikesChangedAsync(streamId, version, post, delta));

        public Task<bool> ApplyAccountDeletedAsync(string streamId, long version, UserId user) => Run(() => inner.ApplyAccountDeletedAsync(streamId, version, user));

        public Task<bool> ApplyNothingAsync(string streamId, long version) => Run(() => inner.ApplyNothingAsync(streamId, version));

        public Task<bool> ApplyBlockAsync(string streamId, long version, UserId blocker, UserId blocked, bool blocks) =>
            Run(() => inner.ApplyBlockAsync(streamId, version, blocker, blocked, blocks));

        public Task<bool> ApplyMuteAsync(string streamId, long version, UserId muter, UserId muted, bool mutes) =>
            Run(() => inner.ApplyMuteAsync(streamId, version, muter, muted, mutes));

        public Task<bool> ApplyNotificationsReadAsync(string streamId, long version, UserId user, NotificationId lastRead) =>
            Run(() => inner.ApplyNotificationsReadAsync(streamId, version, user, lastRead));

        public async IAsyncEnumerable<IReadOnlyList<UserId>> ReadFollowersInBatchesAsync(UserId author, int batchSize)
        {
            ThrowIfCrashed();
            await foreach (var batch in inner.ReadFollowersInBatchesAsync(author, batchSize))
            {
                ThrowIfCrashed();
                yield return batch;
            }
        }

        public Task<long> CountFollowersAsync(UserId user) => Run(() => inner.CountFollowersAsync(user));

        public Task<bool> FollowsAsync(UserId follower, UserId followee) => Run(() => inner.FollowsAsync(follower, followee));

        public Task<IReadOnlyList<UserId>> AddToHomeTimelinesAsync(IReadOnlyList<UserId> readers, PostId post) => SlowlyAsync(() => inner.AddToHomeTimelinesAsync(readers, post));

        public Task RemoveFromHomeTimelinesAsync(IReadOnlyList<UserId> readers, PostId post) => SlowlyAsync(() => inner.RemoveFromHomeTimelinesAsync(readers, post));

        public Task<IReadOnlyList<PostId>> MergeIntoHomeTimelineAsync(UserId reader, UserId author, int count) => SlowlyAsync(() => inner.MergeIntoHomeTimelineAsync(reader, author, count));

        public Task<IReadOnlyList<PostId>> RemoveAuthorFromHomeTimelineAsync(UserId reader, UserId author) => SlowlyAsync(() => inner.RemoveAuthorFromHomeTimelineAsync(reader, author));

        public Task SetMergedAtReadTimeAsync(UserId author, bool merged) => Run(() => inner.SetMergedAtReadTimeAsync(author, merged));

        public Task DropAllAsync() => Run(inner.DropAllAsync);

        private async Task SlowlyAsync(Func<Task> write) => await SlowlyAsync(async () =>
        {
            await write();
            return true;
        });

        private async Task<T> SlowlyAsync<T>(Func<Task<T>> write)
        {
            Interlocked.Increment(ref counters.InFlight);
            try
            {
                await Task.Delay(owner._delay);
                var result = await Run(write);
                Interlocked.Increment(ref counters.Written);
                return result;
            }
            finally
            {
                Interlocked.Decrement(ref counters.InFlight);
            }
        }

        private Task<T> Run<T>(Func<Task<T>> call)
        {
            ThrowIfCrashed();
            return call();
        }

        private Task Run(Func<Task> call)
        {
            ThrowIfCrashed();
            return call();
        }

        private void ThrowIfCrashed()
        {
            if (counters.Crashed)
            {
                throw new StoreUnavailableException("Redis", new InvalidOperationException("The silo was killed."));
            }
        }
    }
}
