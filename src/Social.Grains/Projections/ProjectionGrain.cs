using Orleans.Streams;
using Orleans.Streams.Core;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Domain.Events;

namespace Social.Grains.Projections;

/// <summary>
/// Applies one event-store stream's events to the read models, exactly once each and in version order, whatever the
/// transport does: a redelivered event is skipped, an event that arrives after a gap makes the grain read the missing
/// ones from the event store first, and side effects (fan-out) left unfinished by a crash are completed before the
/// next event. So the read models can be dropped and rebuilt, and a silo can die at any point.
/// </summary>
public abstract class ProjectionGrain(IEventStore events, IProjectionStore store, EventPushesFactory pushes)
    : Grain, IProjectionGrain, IStreamSubscriptionObserver, IAsyncObserver<RecordedEvent>
{
    private ProjectionCheckpoint? _checkpoint;

    protected IProjectionStore Store => store;

    protected abstract string StreamId { get; }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public async Task OnNextAsync(RecordedEvent item, StreamSequenceToken? token = null)
    {
        // A stream's first event on a fresh activation (every new post): nothing can be unfinished before it, and its
        // apply script checks the checkpoint anyway, so the checkpoint is not read first (a Redis round trip per post).
        _checkpoint ??= item.Version == 1 ? new ProjectionCheckpoint(0, 0) : null;
        var checkpoint = await CheckpointAsync();
        if (item.Version <= checkpoint.Applied)
        {
            return;
        }

        if (item.Version > checkpoint.Applied + 1)
        {
            await CatchUpAsync();
            return;
        }

        await ApplyOneAsync(item);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public async Task CatchUpAsync()
    {
        _checkpoint = null;
        var checkpoint = await CheckpointAsync();
        foreach (var recorded in await events.ReadStreamAsync(StreamId, checkpoint.Applied))
        {
            await ApplyOneAsync(recorded);
        }
    }

    /// <summary>Applies the event (the stream's <paramref name="version"/>) to the read models; false when the checkpoint did not expect it.</summary>
    protected abstract Task<bool> ApplyAsync(long version, object @event);

    /// <summary>
    /// The event's effects on other keys (fan-out) and its pushes to connected clients, idempotent, run after it was
    /// applied; true for the kinds of event that have them (see <see cref="IProjectionStore"/>), whose checkpoint then
    /// records that they completed. A crash in between repeats them: pushes are at least once.
    /// </summary>
    internal virtual Task<bool> RunSideEffectsAsync(object @event, EventPushes push) => Task.FromResult(false);

    private async Task ApplyOneAsync(RecordedEvent recorded)
    {
        var @event = EventTypes.Deserialize(recorded.Type, recorded.Data);
        if (!await ApplyAsync(recorded.Version, @event))
        {
            // Another activation (or a rebuild) moved the checkpoint: start again from what the store says.
            _checkpoint = null;
            if (recorded.Version > (await CheckpointAsync()).Applied)
            {
                await CatchUpAsync();
            }

            return;
        }

        _checkpoint = new ProjectionCheckpoint(recorded.Version, _checkpoint!.SideEffectsDone);
        await CompleteSideEffectsAsync(recorded, @event);
    }

    private async Task CompleteSideEffectsAsync(RecordedEvent recorded, object @event)
    {
        if (await RunSideEffectsAsync(@event, pushes.For(recorded)))
        {
            await store.MarkSideEffectsDoneAsync(StreamId, recorded.Version);
        }

        _checkpoint = new ProjectionCheckpoint(recorded.Version, recorded.Version);
    }

    private async Task<ProjectionCheckpoint> CheckpointAsync()
    {
        _checkpoint ??= await store.GetCheckpointAsync(StreamId);
        if (_checkpoint.SideEffectsDone < _checkpoint.Applied)
        {
            // The last event's fan-out did not finish (a crash, or a store failure that made the transport redeliver
            // the event): finish it before anything else.
            var last = (await events.ReadStreamAsync(StreamId, _checkpoint.Applied - 1))[0];
            await CompleteSideEffectsAsync(last, EventTypes.Deserialize(last.Type, last.Data));
        }

        return _checkpoint;
    }
}
