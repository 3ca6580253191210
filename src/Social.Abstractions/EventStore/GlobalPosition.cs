namespace Social.Abstractions.EventStore;

/// <summary>
/// A place in the global order of all events. The order is by committing transaction first and sequence second,
/// because sequence numbers are handed out before commit and so do not commit in order; ordering by transaction
/// lets a reader stop at the oldest transaction still running and never skip an event that commits late.
/// </summary>
/// <param name="TransactionId">The 64-bit id of the transaction that wrote the event.</param>
/// <param name="Sequence">The event's number from the store's sequence, unique across all events.</param>
[GenerateSerializer, Immutable]
public readonly record struct GlobalPosition([property: Id(0)] ulong TransactionId, [property: Id(1)] long Sequence)
    : IComparable<GlobalPosition>
{
    /// <summary>Before the first event.</summary>
    public static GlobalPosition Start { get; } = new(0, 0);

    /// <inheritdoc />
    public int CompareTo(GlobalPosition other)
    {
        var byTransaction = TransactionId.CompareTo(other.TransactionId);
        return byTransaction != 0 ? byTransaction : Sequence.CompareTo(other.Sequence);
    }

    /// <inheritdoc />
    public override string ToString() => $"{TransactionId}:{Sequence}";
}
