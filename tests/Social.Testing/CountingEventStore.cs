using System.Collections.Concurrent;
using Social.Abstractions.EventStore;
using Social.Abstractions.Idempotency;

namespace Social.Testing;

/// <summary>Passes every call to the real store and counts the stream reads and appends per stream.</summary>
public sealed class CountingEventStore(IEventStore inner) : IEventStore
{
    private readonly ConcurrentDictionary<string, int> _reads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _appends = new(StringComparer.Ordinal);

    public int ReadsOf(string streamId) => _reads.GetValueOrDefault(streamId);

    public int AppendsTo(string streamId) => _appends.GetValueOrDefault(streamId);

    public Task<long> AppendAsync(
        string streamId, long expectedVersion, IReadOnlyList<EventData> events, IdempotencyMark? idempotency = null,
        CancellationToken cancellationToken = default)
    {
        _appends.AddOrUpdate(streamId, 1, (_, n) => n + 1);
        return inner.AppendAsync(streamId, expectedVersion, events, idempotency, cancellationToken);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default)
    {
        _reads.AddOrUpdate(streamId, 1, (_, n) => n + 1);
        return inner.ReadStreamAsync(streamId, afterVersion, cancellationToken);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamPageAsync(string streamId, long afterVersion, int maxCount, CancellationToken cancellationToken = default)
    {
        _reads.AddOrUpdate(streamId, 1, (_, n) => n + 1);
        return inner.ReadStreamPageAsync(streamId, afterVersion, maxCount, cancellationToken);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default) =>
        inner.ReadAllAsync(after, maxCount, cancellationToken);
}
