using Social.Abstractions.EventStore;

namespace Social.Grains.Tests.TestHost;

public sealed class ZzTranslatingStore(IEventStore inner) : IEventStore
{
    public async Task<long> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        try { return await inner.AppendAsync(streamId, expectedVersion, events, cancellationToken); }
        catch (StoreUnavailableException e) { throw new InvalidOperationException("translated: " + e.Message); }
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default)
    {
        try { return await inner.ReadStreamAsync(streamId, afterVersion, cancellationToken); }
        catch (StoreUnavailableException e) { throw new InvalidOperationException("translated: " + e.Message); }
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default) =>
        inner.ReadAllAsync(after, maxCount, cancellationToken);
}
