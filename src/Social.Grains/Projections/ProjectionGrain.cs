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
/// next event. So the read models can be dropped and rebuilt, and a silo can die at any point. An event that keeps
/// failing parks the stream (<see cref="ProjectionParking"/>): its later events wait in the event store until a re-drive.
/// </summary>
public abstract class ProjectionGrain(IEventStore events, IProjectionStore store, EventPushesFactory pushes, ProjectionParking parking)
    : Grain, IProjectionGrain, IStreamSubscriptionObserver, IAsyncObserver<RecordedEvent>
{
    private const int CatchUpPageSize = 1000;

    private ProjectionCheckpoint? _checkpoint;

    // The event being applied or completed, for the record if it fails; and how often the current one failed.
    private RecordedEvent? _current;
    private int _failures;

    // Known to this activation only: a new activation tries the event again (MaxAttempts more times), and parks again.
    private bool _parked;

    protected IProjectionStore Store => store;

    protected IEventStore Events => events;

    protected abstract string StreamId { get; }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public async Task OnNextAsync(RecordedEvent item, StreamSequenceToken? token = null)
    {
        if (_parked)
        {
            return;
        }

        try
        {
            await ProcessAsync(item);
            _failures = 0;
        }
        catch (Exception e) when (ProjectionParking.IsPoison(e))
        {
            // Thrown back to the transport, which delivers the event again a little later, until the attempts run out.
            if (++_failures < ProjectionParking.MaxAttempts)
            {
                throw;
            }

            await ParkAsync(e, item);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public async Task<bool> CatchUpAsync()
    {
        _parked = false;
        _failures = 0;
        try
        {
            await CatchUpCoreAsync();
            return true;
        }
        catch (Exception e) when (ProjectionParking.IsPoison(e))
        {
            await ParkAsync(e, failing: null);
            return false;
        }
    }

    private async Task ProcessAsync(RecordedEvent item)
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
            await CatchUpCoreAsync();
            return;
        }

        await ApplyOneAsync(item);
    }

    // A page at a time, so that replaying a long stream (a popular post's likes) never holds it in memory whole.
    private async Task CatchUpCoreAsync()
    {
        _checkpoint = null;
        IReadOnlyList<RecordedEvent> page;
        do
        {
            page = await events.ReadStreamPageAsync(StreamId, (await CheckpointAsync()).Applied, CatchUpPageSize);
            foreach (var recorded in page)
            {
                await ApplyOneAsync(recorded);
            }
        }
        while (page.Count == CatchUpPageSize);
    }

    /// <summary>Applies the event (the stream's <paramref name="version"/>) to the read models; false when the checkpoint did not expect it.</summary>
    protected abstract Task<bool> ApplyAsync(long version, object @event);

    /// <summary>
    /// The event's effects on other keys (fan-out) and its pushes to connected clients, idempotent, run after it was
    /// applied; true for the kinds of event that have them (see <see cref="IProjectionStore"/>), whose checkpoint then
    /// records that they completed. A crash in between repeats them: pushes are at least once.
    /// </summary>
    internal virtual Task<bool> RunSideEffectsAsync(object @event, EventPushes push) => Task.FromResult(false);

    private async Task ParkAsync(Exception error, RecordedEvent? failing)
    {
        await parking.ParkAsync(StreamId, _current ?? failing, Math.Max(_failures, 1), error);
        _parked = true;
        _failures = 0;
        _current = null;
        _checkpoint = null;
    }

    private async Task ApplyOneAsync(RecordedEvent recorded)
    {
        _current = recorded;
        var @event = EventTypes.Deserialize(recorded.Type, recorded.Data);
        if (!await ApplyAsync(recorded.Version, @event))
        {
            // Another activation (or a rebuild) moved the checkpoint: start again from what the store says.
            _checkpoint = null;
            if (recorded.Version > (await CheckpointAsync()).Applied)
            {
                await CatchUpCoreAsync();
            }

            return;
        }

        _checkpoint = new ProjectionCheckpoint(recorded.Version, _checkpoint!.SideEffectsDone);
        await CompleteSideEffectsAsync(recorded, @event);
    }

    private async Task CompleteSideEffectsAsync(RecordedEvent recorded, object @event)
    {
        _current = recorded;
        if (await RunSideEffectsAsync(@event, pushes.For(recorded)))
        {
            await store.MarkSideEffectsDoneAsync(StreamId, recorded.Version);
        }

        _checkpoint = new ProjectionCheckpoint(recorded.Version, recorded.Version);
        _current = null;
    }

    private async Task<ProjectionCheckpoint> CheckpointAsync()
    {
        _checkpoint ??= await store.GetCheckpointAsync(StreamId);
        if (_checkpoint.SideEffectsDone < _checkpoint.Applied)
        {
            // The last event's fan-out did not finish (a crash, or a store failure that made the transport redeliver
            // the event): finish it before anything else.
            var last = (await events.ReadStreamPageAsync(StreamId, _checkpoint.Applied - 1, maxCount: 1))[0];
            await CompleteSideEffectsAsync(last, EventTypes.Deserialize(last.Type, last.Data));
        }

        return _checkpoint;
    }
}
