using System.Runtime.CompilerServices;
using Orleans.EventSourcing;
using Orleans.Providers;
using Orleans.EventSourcing.CustomStorage;
using Social.Abstractions.Commands;
using Social.Abstractions.EventStore;
using Social.Domain.Errors;
using Social.Domain.Events;

namespace Social.Grains.EventSourcing;

/// <summary>
/// A journaled grain whose log is one stream of the PostgreSQL event store (the CustomStorage provider).
/// Commands run as: decide events from the confirmed state, append them, then raise and confirm them.
/// The append comes first, in the caller's turn, so that a conflict or an unreachable store reaches the caller
/// as an exception and nothing is applied; Orleans's own write-back then finds the batch already stored.
/// </summary>
[LogConsistencyProvider(ProviderName = LogConsistency.ProviderName)]
public abstract class EventSourcedGrain<TState, TEvent>(IEventStore store)
    : JournaledGrain<TState, TEvent>, ICustomStorageInterface<TState, TEvent>
    where TState : class, new()
    where TEvent : class
{
    private const int MaxAttempts = 3;

    // Event ids belong to event objects, so every retry of the same batch sends the same ids and the store
    // recognizes it instead of appending it twice.
    private readonly ConditionalWeakTable<TEvent, object> _eventIds = [];
    private IReadOnlyList<RecordedEvent>? _preloaded;
    private (int ExpectedVersion, IReadOnlyList<TEvent> Events)? _appended;

    protected abstract string StreamId { get; }

    protected abstract void Apply(TState state, TEvent @event);

    public override void Participate(IGrainLifecycle lifecycle)
    {
        base.Participate(lifecycle);

        // Read once here, before the log view starts its own initial read (at Activate + 1): a failure here fails the
        // activation and so reaches the caller. The log view's read retries forever, and a failed activation waits
        // for it before it answers, which would leave a request hanging while the store is down.
        lifecycle.Subscribe<EventSourcedGrain<TState, TEvent>>(
            GrainLifecycleStage.Activate - 2,
            async cancellationToken => _preloaded = await store.ReadStreamAsync(StreamId, 0, cancellationToken));
    }

    public async Task<KeyValuePair<int, TState>> ReadStateFromStorage()
    {
        var events = _preloaded ?? await store.ReadStreamAsync(StreamId);
        _preloaded = null;
        var state = new TState();
        var version = 0;
        foreach (var recorded in events)
        {
            Apply(state, (TEvent)EventTypes.Deserialize(recorded.Type, recorded.Data));
            version = checked((int)recorded.Version);
        }

        return new(version, state);
    }

    public async Task<bool> ApplyUpdatesToStorage(IReadOnlyList<TEvent> updates, int expectedVersion)
    {
        if (_appended is { } appended && appended.ExpectedVersion == expectedVersion && appended.Events.SequenceEqual(updates))
        {
            _appended = null;
            return true;
        }

        try
        {
            await store.AppendAsync(StreamId, expectedVersion, ToEventData(updates));
            return true;
        }
        catch (WrongExpectedVersionException)
        {
            return false;
        }
    }

    /// <summary>
    /// Decides events from the current state and commits them. When another activation wrote first (possible
    /// for a moment while the cluster changes), the state is read again and the decision made again.
    /// </summary>
    protected async Task ExecuteAsync(Func<TState, IEnumerable<TEvent?>> decide)
    {
        for (var attempt = 1; ; attempt++)
        {
            var events = decide(State).OfType<TEvent>().ToList();
            if (events.Count == 0)
            {
                return;
            }

            try
            {
                await store.AppendAsync(StreamId, Version, ToEventData(events));
            }
            catch (WrongExpectedVersionException) when (attempt < MaxAttempts)
            {
                await RefreshNow();
                continue;
            }
            catch (WrongExpectedVersionException)
            {
                throw new ConflictException("The resource was changed by another request at the same moment. Please retry.");
            }

            _appended = (Version, events);
            RaiseEvents(events);
            await ConfirmEvents();
            return;
        }
    }

    protected Task ExecuteAsync(Func<TState, TEvent?> decide) => ExecuteAsync(state => [decide(state)]);

    private List<EventData> ToEventData(IEnumerable<TEvent> events)
    {
        var metadata = CommandContext.CurrentMetadata();
        return [.. events.Select(e => new EventData(
            (Guid)_eventIds.GetValue(e, _ => Guid.CreateVersion7()),
            EventTypes.NameOf(e),
            EventTypes.Serialize(e),
            metadata))];
    }
}
