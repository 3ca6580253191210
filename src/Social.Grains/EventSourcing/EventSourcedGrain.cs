using System.Text.Json;
using Social.Abstractions.Commands;
using Social.Abstractions.EventStore;
using Social.Domain.Errors;
using Social.Domain.Events;

namespace Social.Grains.EventSourcing;

/// <summary>
/// A grain whose state is the fold of one stream of the PostgreSQL event store. One straight path, as in Eventuous:
/// load the stream when the grain activates, and for each command decide events from the state (pure functions of the
/// domain), append them at the stream's version, then apply them. The append comes before any change to the state, so
/// a conflict or an unreachable store reaches the caller (409 or 503) with nothing applied. A grain whose streams grow
/// long keeps snapshots (<see cref="SnapshotEvery"/>) and activates from the last one.
/// </summary>
public abstract class EventSourcedGrain<TState, TEvent>(IEventStore store, ISnapshotStore? snapshots = null) : Grain
    where TState : class, new()
    where TEvent : class
{
    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    // The state type's members and their types: a snapshot written from another shape (a member added, removed or
    // changed since) would be read into defaults without an error, so it is not read at all.
    private static readonly string StateShape = string.Join(",",
        typeof(TState).GetProperties().Where(p => p.CanWrite).OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}:{p.PropertyType}"));

    private const int MaxAttempts = 3;

    // Events read per round trip when the state is loaded.
    private const int LoadPageSize = 1000;

    /// <summary>The state after the events up to <see cref="Version"/>.</summary>
    protected TState State { get; private set; } = new();

    /// <summary>The stream's version this state has applied (0: nothing yet).</summary>
    protected long Version { get; private set; }

    protected abstract string StreamId { get; }

    /// <summary>
    /// A snapshot of the state is kept once the stream has grown this many events past the last one, so that the
    /// next activation reads the snapshot and the events after it; 0 (the default) keeps none.
    /// </summary>
    protected virtual int SnapshotEvery => 0;

    protected abstract void Apply(TState state, TEvent @event);

    private long _snapshotVersion;

    /// <summary>
    /// Reads the stream, unless the command that activates the grain creates it under an id minted for it just now:
    /// then there is nothing to read, and the append at version 0 checks that. A failure to read fails the activation,
    /// so the caller gets it at once (503) rather than a grain with a state it does not have.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Never finish activating synchronously. Orleans 10.4 starts a new activation's message loop while holding the
        // activation's lock, so when activation completes at once (no read, or a read whose reply was already on the
        // socket), the first command runs under that lock; a command that calls another grain then takes that grain's
        // lock too, and two users following each other at that moment deadlock two threads for good (seen in
        // MutualFollow_BothAtOnce_BothCommitAndBothListsShowIt, thread stacks in ActivationData.Start → ReceiveRequest).
        await Task.Yield();
        if (!CommandContext.IsNewStream(StreamId))
        {
            await RestoreSnapshotAsync(cancellationToken);
            await CatchUpAsync(cancellationToken);
            await SnapshotIfDueAsync();
        }
    }

    /// <summary>
    /// Decides events from the current state and commits them. When another activation wrote first (possible for a
    /// moment while the cluster changes), the state catches up with the stream and the decision is made again.
    /// When an earlier run of the same request (same <c>Idempotency-Key</c>) already committed to this stream, nothing is
    /// decided or written again: the command answers from the state that write left. A decision that needs facts from
    /// outside the state (<paramref name="decideAsync"/> looks them up) looks them up again when it is made again.
    /// </summary>
    protected async Task ExecuteAsync(Func<TState, Task<IEnumerable<TEvent?>>> decideAsync)
    {
        if (CommandContext.CommittedWrite() is { } committed && committed.StreamId == StreamId)
        {
            if (Version < committed.Version)
            {
                await CatchUpAsync();
            }

            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            var events = (await decideAsync(State)).OfType<TEvent>().ToList();
            if (events.Count == 0)
            {
                return;
            }

            try
            {
                Version = await store.AppendAsync(StreamId, Version, ToEventData(events), CommandContext.CurrentIdempotency());
            }
            catch (WrongExpectedVersionException) when (attempt < MaxAttempts)
            {
                await CatchUpAsync();
                continue;
            }
            catch (WrongExpectedVersionException)
            {
                throw new ConflictException("The resource was changed by another request at the same moment. Please retry.");
            }

            foreach (var e in events)
            {
                Apply(State, e);
            }

            await SnapshotIfDueAsync();
            return;
        }
    }

    protected Task ExecuteAsync(Func<TState, IEnumerable<TEvent?>> decide) => ExecuteAsync(state => Task.FromResult(decide(state)));

    protected Task ExecuteAsync(Func<TState, TEvent?> decide) => ExecuteAsync(state => [decide(state)]);

    protected Task ExecuteAsync(Func<TState, Task<TEvent?>> decideAsync) =>
        ExecuteAsync(async state => (IEnumerable<TEvent?>)[await decideAsync(state)]);

    /// <summary>
    /// A query that found no such user or post: the activation holds nothing worth keeping, so it goes once the call
    /// returns instead of waiting in memory for the idle collector (unknown ids are cheap to ask for, and many).
    /// </summary>
    protected void ForgetIfEmpty()
    {
        if (Version == 0)
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// Applies what the stream gained since this activation last read it (written elsewhere: another activation, an
    /// operator), a page at a time, so that a long stream (a popular post's likes) never sits in memory whole.
    /// </summary>
    protected async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<RecordedEvent> page;
        do
        {
            page = await store.ReadStreamPageAsync(StreamId, Version, LoadPageSize, cancellationToken);
            foreach (var recorded in page)
            {
                Apply(State, (TEvent)EventTypes.Deserialize(recorded.Type, recorded.Data));
                Version = recorded.Version;
            }
        }
        while (page.Count == LoadPageSize);
    }

    private async Task RestoreSnapshotAsync(CancellationToken cancellationToken)
    {
        if (snapshots is null || SnapshotEvery == 0 || await snapshots.ReadAsync(StreamId, cancellationToken) is not { } snapshot
            || snapshot.Shape != StateShape)
        {
            return;
        }

        try
        {
            State = JsonSerializer.Deserialize<TState>(snapshot.State, SnapshotJson) ?? new TState();
            Version = _snapshotVersion = snapshot.Version;
        }
        catch (JsonException)
        {
            // A snapshot this code cannot read: the whole stream is read instead.
            State = new TState();
            Version = _snapshotVersion = 0;
        }
    }

    // A snapshot is a cache: when it cannot be written, the next activation reads more of the stream, and that is all.
    private async Task SnapshotIfDueAsync()
    {
        if (snapshots is null || SnapshotEvery == 0 || Version - _snapshotVersion < SnapshotEvery)
        {
            return;
        }

        try
        {
            await snapshots.WriteAsync(StreamId, Version, StateShape, JsonSerializer.Serialize(State, SnapshotJson));
            _snapshotVersion = Version;
        }
        catch (StoreUnavailableException)
        {
        }
    }

    private static List<EventData> ToEventData(IEnumerable<TEvent> events)
    {
        var metadata = CommandContext.CurrentMetadata();
        return [.. events.Select(e => new EventData(Guid.CreateVersion7(), EventTypes.NameOf(e), EventTypes.Serialize(e), metadata))];
    }
}
