using Orleans.Streams;
using Social.Abstractions.EventStore;

namespace Social.Streaming;

/// <summary>
/// A run of consecutive events of one event-store stream, in version order, as it travels to that stream's consumers
/// (who receive each <see cref="RecordedEvent"/> with its own position as token).
/// </summary>
// Sent between silos: the alias, not the type's namespace and assembly, names it on the wire, so moving it is safe.
[GenerateSerializer, Immutable, Alias("social.streaming.batch")]
public sealed class EventStoreBatchContainer : IBatchContainer
{
    public EventStoreBatchContainer(StreamId streamId, IReadOnlyList<RecordedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);
        StreamId = streamId;
        Events = events;
        Token = new EventStoreSequenceToken(events[0].Position);
    }

    [Id(0)]
    public StreamId StreamId { get; }

    [Id(1)]
    public IReadOnlyList<RecordedEvent> Events { get; }

    /// <summary>The first event's position.</summary>
    [Id(2)]
    public EventStoreSequenceToken Token { get; }

    public StreamSequenceToken SequenceToken => Token;

    /// <summary>The last event's position: delivering this batch delivers every event of its stream up to here.</summary>
    public GlobalPosition Through => Events[^1].Position;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        foreach (var recorded in Events)
        {
            if (recorded is T item)
            {
                yield return Tuple.Create(item, (StreamSequenceToken)new EventStoreSequenceToken(recorded.Position));
            }
        }
    }

    public bool ImportRequestContext() => false;

    public override string ToString() => $"[EventStoreBatchContainer: {StreamId}, {Events.Count} events from {Token.Position}]";
}
