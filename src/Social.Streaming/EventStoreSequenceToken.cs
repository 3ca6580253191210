using System.Globalization;
using Orleans.Streams;
using Social.Abstractions.EventStore;

namespace Social.Streaming;

/// <summary>
/// An event's place in the event store's global order, (transaction id, sequence), as an Orleans stream token. Tokens
/// order by that position (<see cref="CompareTo"/>); <see cref="SequenceNumber"/> is the sequence alone, unique but not
/// in commit order, so it must not be compared on its own.
/// </summary>
// Sent between silos: the alias, not the type's namespace and assembly, names it on the wire, so moving it is safe.
[GenerateSerializer, Immutable, Alias("social.streaming.token")]
public sealed class EventStoreSequenceToken : StreamSequenceToken
{
    public EventStoreSequenceToken(GlobalPosition position, int eventIndex = 0)
    {
        TransactionId = position.TransactionId;
        SequenceNumber = position.Sequence;
        EventIndex = eventIndex;
    }

    /// <summary>The transaction that wrote the event.</summary>
    [Id(0)]
    public ulong TransactionId { get; private set; }

    /// <summary>The event's sequence number.</summary>
    [Id(1)]
    public override long SequenceNumber { get; protected set; }

    /// <summary>Always 0: every event has a position of its own.</summary>
    [Id(2)]
    public override int EventIndex { get; protected set; }

    public GlobalPosition Position => new(TransactionId, SequenceNumber);

    public override bool Equals(StreamSequenceToken? other) =>
        other is EventStoreSequenceToken token
        && token.TransactionId == TransactionId
        && token.SequenceNumber == SequenceNumber
        && token.EventIndex == EventIndex;

    public override bool Equals(object? obj) => Equals(obj as StreamSequenceToken);

    public override int GetHashCode() => HashCode.Combine(TransactionId, SequenceNumber, EventIndex);

    /// <exception cref="ArgumentOutOfRangeException">The other token is of another provider.</exception>
    public override int CompareTo(StreamSequenceToken? other)
    {
        if (other is null)
        {
            return 1;
        }

        // The parameter name "other" is what Orleans's pulling agent looks for when tokens cannot be compared.
        var token = other as EventStoreSequenceToken
            ?? throw new ArgumentOutOfRangeException(nameof(other), other.GetType(), "Not a token of the event-store stream provider.");
        var byPosition = Position.CompareTo(token.Position);
        return byPosition != 0 ? byPosition : EventIndex.CompareTo(token.EventIndex);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[EventStore: {Position}]");
}
