using Social.Abstractions.Commands;
using Social.Abstractions.Idempotency;

namespace Social.Abstractions.EventStore;

/// <summary>
/// The append-only log of every event: the only source of truth. Each stream (one grain's events) has
/// versions 1, 2, 3...; every event also has a place in the global, commit-safe order of all streams.
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Appends <paramref name="events"/> to a stream whose current version must be <paramref name="expectedVersion"/>
    /// (0 for a new stream). Appending again the same event ids at the same versions, as a retry after an unknown
    /// outcome does, succeeds without writing them twice. With <paramref name="idempotency"/>, the client's claimed
    /// <c>Idempotency-Key</c> is marked as done by this append in the same transaction, so that the key's record and
    /// the write it stands for commit together or not at all.
    /// </summary>
    /// <returns>The stream's version after the append.</returns>
    /// <exception cref="WrongExpectedVersionException">The stream is at another version; nothing was written.</exception>
    /// <exception cref="StoreUnavailableException">The store cannot be reached; nothing was written.</exception>
    /// <exception cref="OverloadedException">The store has more appends waiting than it may queue; nothing was written.</exception>
    Task<long> AppendAsync(
        string streamId, long expectedVersion, IReadOnlyList<EventData> events, IdempotencyMark? idempotency = null,
        CancellationToken cancellationToken = default);

    /// <summary>Reads a stream's events with a version greater than <paramref name="afterVersion"/>, in version order.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default);

    /// <summary>Reads at most <paramref name="maxCount"/> of a stream's events after <paramref name="afterVersion"/>, in version order: a long stream a page at a time.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadStreamPageAsync(string streamId, long afterVersion, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads up to <paramref name="maxCount"/> events of all streams after <paramref name="after"/>, in commit-safe
    /// order: an event is returned only once every transaction that could commit before it has finished, so a reader
    /// that polls while writes commit never skips one.
    /// </summary>
    Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default);
}
