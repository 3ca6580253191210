using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;
using Social.Infrastructure.EventStore;

namespace Social.Streaming;

/// <summary>
/// The read-only queue adapter of the event-store stream provider, one per silo and provider: its queues are the
/// partitions of the committed <c>events</c> table. Events enter only through <see cref="PostgresEventStore.AppendAsync"/>.
/// </summary>
internal sealed class EventStoreQueueAdapterFactory : IQueueAdapterFactory, IQueueAdapter, IAsyncDisposable
{
    private readonly EventStoreStreamOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly PartitionReader _partitions;
    private readonly StreamCheckpoints _checkpoints;
    private readonly CommitListener _listener;
    private readonly EventStoreQueueMapper _mapper;
    private readonly QueueCaches _caches;
    private readonly DeliveryFailureLog _failures;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ConcurrentDictionary<QueueId, EventStoreQueueReceiver> _running = new();

    public EventStoreQueueAdapterFactory(string name, EventStoreStreamOptions options, ILoggerFactory loggerFactory)
    {
        Name = name;
        _options = options;
        _loggerFactory = loggerFactory;
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        _partitions = new PartitionReader(_dataSource);
        _checkpoints = new StreamCheckpoints(_dataSource, name, options.QueueCount);
        _listener = new CommitListener(options.ConnectionString, options.QueueCount, loggerFactory.CreateLogger<CommitListener>());
        _mapper = new EventStoreQueueMapper(name, options.QueueCount);
        _caches = new QueueCaches(new SimpleQueueAdapterCache(new SimpleQueueCacheOptions { CacheSize = options.CacheSize }, name, loggerFactory));
        _failures = new DeliveryFailureLog(loggerFactory.CreateLogger<DeliveryFailureLog>());
    }

    public string Name { get; }

    /// <summary>
    /// False: a subscription cannot ask for events from before the queue's cache. To replay, a projection reads the
    /// event store itself; to replay a whole queue, stop the cluster and move its row of <c>stream_checkpoints</c> back.
    /// </summary>
    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadOnly;

    /// <summary>The queues this silo is reading now.</summary>
    public IReadOnlyList<EventStoreQueueStatus> RunningQueues => [.. _running.Values.Select(r => r.Status).OrderBy(s => s.Partition)];

    /// <summary>Whether this silo's connection listening for commits is up.</summary>
    public bool IsListening => _listener.IsListening;

    public static EventStoreQueueAdapterFactory Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<EventStoreStreamOptions>>().Get(name);
        return new EventStoreQueueAdapterFactory(name, options, services.GetRequiredService<ILoggerFactory>());
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) => Task.FromResult<IQueueAdapter>(this);

    public IQueueAdapterCache GetQueueAdapterCache() => _caches;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult<IStreamFailureHandler>(_failures);

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new EventStoreQueueReceiver(
        this,
        queueId,
        _options,
        _partitions,
        _checkpoints,
        _listener.SignalFor(EventStoreQueueMapper.PartitionOf(queueId)),
        _caches.Latest(queueId),
        _loggerFactory.CreateLogger<EventStoreQueueReceiver>());

    public Task QueueMessageBatchAsync<T>(
        StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
        throw new NotSupportedException(
            $"Stream provider '{Name}' carries the event store's committed events; append events with the event store instead.");

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    internal void Started(EventStoreQueueReceiver receiver) => _running[receiver.Queue] = receiver;

    internal void Stopped(EventStoreQueueReceiver receiver) => _running.TryRemove(new KeyValuePair<QueueId, EventStoreQueueReceiver>(receiver.Queue, receiver));
}

/// <summary>
/// Orleans's simple queue cache, one per queue, remembered so that the queue's receiver can take delivered batches out
/// of it while it waits (see <see cref="EventStoreQueueReceiver"/>). A pulling agent creates its cache and then its
/// receiver, one after the other, so the receiver's cache is the one created last for its queue.
/// </summary>
internal sealed class QueueCaches(SimpleQueueAdapterCache caches) : IQueueAdapterCache
{
    private readonly ConcurrentDictionary<QueueId, IQueueCache> _latest = new();

    public IQueueCache CreateQueueCache(QueueId queueId) => _latest[queueId] = caches.CreateQueueCache(queueId);

    public IQueueCache? Latest(QueueId queueId) => _latest.GetValueOrDefault(queueId);
}
