using Orleans.Streams;

namespace Social.Streaming;

/// <summary>
/// Maps an Orleans stream to the queue that reads its event-store stream's partition: queue i reads the events of the
/// streams for which <see cref="PartitionReader.PartitionOf"/> is i (the same function the partition read computes
/// in SQL). The queues' ring hashes are spread evenly, as Orleans's hash-ring mapper does, so that the consistent-ring
/// balancer shares them out among the silos.
/// </summary>
internal sealed class EventStoreQueueMapper : IConsistentRingStreamQueueMapper
{
    private readonly QueueId[] _queues;

    public EventStoreQueueMapper(string providerName, int queueCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueCount);
        var spacing = queueCount == 1 ? 0 : (uint)((1L << 32) / queueCount);
        _queues = [.. Enumerable.Range(0, queueCount).Select(i => QueueId.GetQueueId(providerName, (uint)i, (uint)i * spacing))];
    }

    /// <summary>The event-store stream of an Orleans stream: <c>namespace-key</c> (the inverse of <c>EventStreams.Split</c>).</summary>
    public static string StoreStreamId(StreamId streamId) =>
        streamId.GetNamespace() is { } ns ? $"{ns}-{streamId.GetKeyAsString()}" : streamId.GetKeyAsString();

    /// <summary>The partition a queue reads.</summary>
    public static int PartitionOf(QueueId queue) => (int)queue.GetNumericId();

    public IEnumerable<QueueId> GetAllQueues() => _queues;

    public QueueId GetQueueForStream(StreamId streamId) =>
        _queues[PartitionReader.PartitionOf(StoreStreamId(streamId), _queues.Length)];

    public IEnumerable<QueueId> GetQueuesForRange(IRingRange range) =>
        [.. _queues.Where(queue => range.InRange(queue.GetUniformHashCode()))];
}
