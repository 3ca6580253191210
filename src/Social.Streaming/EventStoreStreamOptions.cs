using Orleans.Configuration;

namespace Social.Streaming;

/// <summary>
/// The stream provider whose queues read the committed <c>events</c> table (see
/// <see cref="EventStoreStreamsSiloBuilderExtensions.AddEventStoreStreams"/>).
/// </summary>
public sealed class EventStoreStreamOptions
{
    /// <summary>The PostgreSQL database of the event store, with the <c>stream_checkpoints</c> table of migration 0007.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// How many queues the event-store streams are spread over (8 by default). One pulling agent, on one silo, reads each
    /// queue; a stream always lands in the same queue, which keeps its order. Every silo must use the same count, and
    /// changing it means stopping the whole cluster: the new queues then start from the lowest checkpoint of the old
    /// ones, so events are delivered again but none is skipped.
    /// </summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>The most events one read of a queue returns (256 by default).</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// How long a queue that has nothing to read waits for a commit notification before it reads again anyway (1 s by
    /// default). A notification can be lost (it is sent after the commit, and the listening connection can break), so
    /// this bounds how late an event can be in the worst case; normally a notification wakes the queue at once.
    /// </summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a queue writes its checkpoint while events are being delivered (1 s by default). After a silo dies,
    /// the events delivered since the last write are delivered again; a stopping silo writes its checkpoint on the way out.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many batches a queue keeps in memory for consumers that are behind (4096 by default). When consumers fall
    /// this far behind, the queue stops reading until they catch up.
    /// </summary>
    public int CacheSize { get; set; } = SimpleQueueCacheOptions.DEFAULT_CACHE_SIZE;

    /// <summary>
    /// How long the pulling agent keeps retrying an event whose consumer keeps failing before it gives up on that event
    /// for that consumer. Forever (<see cref="Timeout.InfiniteTimeSpan"/>) by default: the consumer's stream waits, and
    /// the event is never skipped. With a finite time the consumer moves on, and the queue's checkpoint stays before the
    /// skipped event, so it is delivered again when the queue next starts. A store that is down is worth waiting for;
    /// an event that can never succeed is the consumer's to give up on (the projections park its stream).
    /// </summary>
    public TimeSpan MaxDeliveryTime { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Whether grains may also subscribe explicitly (<c>SubscribeAsync</c> on a stream their type has no implicit
    /// subscription for). False by default: only implicit subscriptions, which need no pub-sub state. When true, the
    /// silo must also have a grain storage named <c>PubSubStore</c> (or named like the provider) for the pub-sub grain.
    /// </summary>
    public bool ExplicitSubscriptions { get; set; }
}
