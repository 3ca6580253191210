using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Social.Abstractions.EventStore;

namespace Social.Streaming;

/// <summary>
/// Reads one partition of the event store for the pulling agent of its queue, and keeps the queue's checkpoint.
/// </summary>
/// <remarks>
/// <para>
/// The pulling agent runs one pump per queue: it takes the batches that left its cache, delivered, and reports them
/// (<see cref="MessagesDeliveredAsync(IList{IBatchContainer}, CancellationToken)"/>), then asks for more
/// (<see cref="GetQueueMessagesAsync(int, CancellationToken)"/>), and loops while it gets some; once it gets none, it
/// pumps again only at its next timer tick. So when there is nothing to read, this receiver does not answer at once:
/// it waits inside the call for the partition's commit notification (or <see cref="EventStoreStreamOptions.PollTimeout"/>,
/// then reads anyway), and the agent is ready to deliver the moment an event is committed.
/// </para>
/// <para>
/// While it waits, the agent cannot take delivered batches out of its cache, so the receiver does it in its place, on
/// the same queue cache and the agent's own scheduler (the call runs there), just as the agent would before its next
/// read: that keeps the checkpoint close behind deliveries, including the one written when the queue stops, without
/// pausing the pump. Should the call ever run elsewhere, it answers empty instead, and the agent takes them itself.
/// </para>
/// <para>
/// The agent calls these methods one at a time, on its own scheduler, so the receiver needs no locks.
/// </para>
/// </remarks>
internal sealed partial class EventStoreQueueReceiver : IQueueAdapterReceiver
{
    // How often a waiting call takes delivered batches out of the cache while some are outstanding.
    private static readonly TimeSpan s_collectDeliveriesEvery = TimeSpan.FromMilliseconds(50);

    // When events of the partition are committed but held back by an older transaction still running, read again
    // after this, then twice as long each time, up to the poll timeout.
    private static readonly TimeSpan s_heldBackFirstRetry = TimeSpan.FromMilliseconds(1);

    // An idle queue's checkpoint still follows the commit-safe cut, so that a restart does not scan far; but slowly.
    private static readonly TimeSpan s_idleCheckpointInterval = TimeSpan.FromMinutes(1);

    private static readonly IList<IBatchContainer> s_nothing = [];

    private readonly EventStoreQueueAdapterFactory _owner;
    private readonly EventStoreStreamOptions _options;
    private readonly PartitionReader _partitions;
    private readonly StreamCheckpoints _checkpoints;
    private readonly WakeSignal _signal;
    private readonly IQueueCache? _cache;
    private readonly ILogger _logger;
    private DeliveryLedger? _ledger;
    private GlobalPosition _next;
    private GlobalPosition _persisted;
    private long _persistedAt;
    private bool _unpersistedEvents;
    private EventStoreQueueStatus _status;

    public EventStoreQueueReceiver(
        EventStoreQueueAdapterFactory owner,
        QueueId queue,
        EventStoreStreamOptions options,
        PartitionReader partitions,
        StreamCheckpoints checkpoints,
        WakeSignal signal,
        IQueueCache? cache,
        ILogger logger)
    {
        _owner = owner;
        Queue = queue;
        Partition = EventStoreQueueMapper.PartitionOf(queue);
        _options = options;
        _partitions = partitions;
        _checkpoints = checkpoints;
        _signal = signal;
        _cache = cache;
        _logger = logger;
        _status = new EventStoreQueueStatus(Partition, false, default, default, default, 0, false);
    }

    public QueueId Queue { get; }

    public int Partition { get; }

    /// <summary>Where the queue reads, what is acknowledged and what is persisted; for diagnostics and tests.</summary>
    public EventStoreQueueStatus Status => Volatile.Read(ref _status);

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        await LedgerAsync(limit.Token);
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var agentScheduler = TaskScheduler.Current;
        try
        {
            // If Initialize failed (PostgreSQL down), the agent pumps anyway: load the checkpoint now, or fail this read.
            // Never read from anywhere else, or events between the checkpoint and that place would be skipped.
            var ledger = await LedgerAsync(cancellationToken);
            var called = Stopwatch.GetTimestamp();
            var heldBackRetry = TimeSpan.Zero;
            while (true)
            {
                var seen = _signal.Version;
                var (batches, more, heldBack) = await ReadAsync(ledger, maxCount, cancellationToken);
                if (batches.Count > 0)
                {
                    return batches;
                }

                if (more)
                {
                    // A stretch of other partitions' events: read on.
                    continue;
                }

                // Nothing to read: wait for the partition's next commit, or until it is time to look anyway. Events
                // held back by an older transaction are looked for again soon (and sooner than a notification would
                // come, if that transaction is not an append).
                heldBackRetry = heldBack ? Min(heldBackRetry == TimeSpan.Zero ? s_heldBackFirstRetry : heldBackRetry * 2, _options.PollTimeout) : TimeSpan.Zero;
                var readAgainAfter = heldBack ? heldBackRetry : _options.PollTimeout;
                var waitingSince = Stopwatch.GetTimestamp();
                var committed = _signal.WaitAsync(seen);
                while (!committed.IsCompleted && Stopwatch.GetElapsedTime(waitingSince) < readAgainAfter)
                {
                    var wait = readAgainAfter - Stopwatch.GetElapsedTime(waitingSince);
                    if (ledger.Outstanding > 0)
                    {
                        if (!CollectDeliveries(ledger, agentScheduler) && Stopwatch.GetElapsedTime(called) >= s_collectDeliveriesEvery)
                        {
                            // Not on the agent's scheduler: answer empty, so that the agent collects them.
                            return s_nothing;
                        }

                        wait = Min(wait, s_collectDeliveriesEvery);
                    }

                    await WaitAsync(committed, wait, cancellationToken);
                    await PersistIfDueAsync(ledger, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The agent is stopping this queue. Its consumers' cursors are still in place (it drops them only after
            // this call returns), so what has left the cache is delivered: take it for the checkpoint written at Shutdown.
            if (_ledger is { } ledger)
            {
                CollectDeliveries(ledger, agentScheduler);
            }

            return s_nothing;
        }
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        if (_ledger is not { } ledger)
        {
            return;
        }

        Acknowledge(ledger, messages);
        await PersistIfDueAsync(ledger, cancellationToken);
    }

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _owner.Stopped(this);
        if (_ledger is not { } ledger || ledger.Acknowledged.CompareTo(_persisted) <= 0)
        {
            return;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await PersistAsync(ledger.Acknowledged, limit.Token);
        }
        catch (Exception e) when (e is StoreUnavailableException or OperationCanceledException)
        {
            // The next owner of the queue starts from the last checkpoint written and delivers the rest again.
            LogCheckpointFailed(e, Partition);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// Takes the batches delivered since the agent last looked out of the queue's cache, as the agent does before each
    /// read; only on the agent's own scheduler, since the cache is not thread-safe.
    /// </summary>
    /// <returns>False if it could not look.</returns>
    private bool CollectDeliveries(DeliveryLedger ledger, TaskScheduler agentScheduler)
    {
        if (_cache is null || agentScheduler == TaskScheduler.Default || TaskScheduler.Current != agentScheduler)
        {
            return false;
        }

        if (_cache.TryPurgeFromCache(out var delivered))
        {
            Acknowledge(ledger, delivered);
        }

        return true;
    }

    private void Acknowledge(DeliveryLedger ledger, IList<IBatchContainer> delivered)
    {
        if (ledger.Delivered(delivered) is { } failed)
        {
            LogDeliveryFailed(Partition, failed.Events[0].StreamId, failed.Token.Position, ledger.Acknowledged);
        }

        _unpersistedEvents |= ledger.AcknowledgedEvents;
        Publish();
    }

    /// <summary>Waits for the signal, for at most <paramref name="timeout"/>.</summary>
    private static async Task WaitAsync(Task signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The caller's remaining time can run out between its check and this call: nothing is left to wait.
        if (signal.IsCompleted || timeout <= TimeSpan.Zero)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, stop.Token);
        await Task.WhenAny(signal, delay);
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task<DeliveryLedger> LedgerAsync(CancellationToken cancellationToken)
    {
        if (_ledger is { } loaded)
        {
            return loaded;
        }

        var start = await _checkpoints.LoadAsync(Partition, cancellationToken).UntilCancelledAsync(cancellationToken);
        _next = start;
        _persisted = start;
        _persistedAt = Stopwatch.GetTimestamp();
        _ledger = new DeliveryLedger(start);
        Publish();
        _owner.Started(this);
        LogStarted(Partition, start);
        return _ledger;
    }

    private async Task<(IList<IBatchContainer> Batches, bool More, bool HeldBack)> ReadAsync(
        DeliveryLedger ledger, int maxCount, CancellationToken cancellationToken)
    {
        // Batches never hold more events than read, so reading at most maxCount events keeps within the cache's room.
        var limit = maxCount > 0 ? Math.Min(maxCount, _options.BatchSize) : _options.BatchSize;
        // Ends when the agent cancels (it stops the queue), even if PostgreSQL hangs: see StoreCalls.
        var page = await _partitions.ReadPartitionAsync(Partition, _options.QueueCount, _next, limit, cancellationToken).UntilCancelledAsync(cancellationToken);

        // One batch per run of consecutive events of one stream, so that a command's events travel together.
        var batches = new List<IBatchContainer>();
        var run = new List<RecordedEvent>();
        foreach (var recorded in page.Events)
        {
            if (run.Count > 0 && run[0].StreamId != recorded.StreamId)
            {
                HandOut(run);
                run = [];
            }

            run.Add(recorded);
        }

        if (run.Count > 0)
        {
            HandOut(run);
        }

        ledger.ReadThrough(page.Next);
        _next = page.Next;
        Publish();
        return (batches, page.More, page.HeldBack);

        void HandOut(List<RecordedEvent> events)
        {
            var batch = new EventStoreBatchContainer(OrleansStreamOf(events[0].StreamId), events);
            ledger.HandedOut(batch);
            batches.Add(batch);
        }
    }

    /// <summary>The Orleans stream of an event-store stream (<see cref="EventStreams.Split"/>); ids without a namespace keep none.</summary>
    private static StreamId OrleansStreamOf(string storeStreamId)
    {
        var separator = storeStreamId.IndexOf('-', StringComparison.Ordinal);
        if (separator <= 0 || separator == storeStreamId.Length - 1)
        {
            return StreamId.Create((string?)null, storeStreamId);
        }

        var (ns, key) = EventStreams.Split(storeStreamId);
        return StreamId.Create(ns, key);
    }

    /// <summary>
    /// Writes the acknowledged position every <see cref="EventStoreStreamOptions.CheckpointInterval"/> while events are
    /// delivered, and now and then when only the cut moved; a failed write is retried at the next chance.
    /// </summary>
    private async Task PersistIfDueAsync(DeliveryLedger ledger, CancellationToken cancellationToken)
    {
        if (ledger.Acknowledged.CompareTo(_persisted) <= 0)
        {
            return;
        }

        var sinceLast = Stopwatch.GetElapsedTime(_persistedAt);
        if (sinceLast < (_unpersistedEvents ? _options.CheckpointInterval : s_idleCheckpointInterval))
        {
            return;
        }

        try
        {
            await PersistAsync(ledger.Acknowledged, cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            LogCheckpointFailed(e, Partition);
            _persistedAt = Stopwatch.GetTimestamp();
        }
    }

    private async Task PersistAsync(GlobalPosition position, CancellationToken cancellationToken)
    {
        await _checkpoints.SaveAsync(Partition, position, cancellationToken).UntilCancelledAsync(cancellationToken);
        _persisted = position;
        _persistedAt = Stopwatch.GetTimestamp();
        _unpersistedEvents = false;
        Publish();
    }

    private void Publish()
    {
        var ledger = _ledger;
        Volatile.Write(ref _status, new EventStoreQueueStatus(
            Partition, ledger is not null, _next, ledger?.Acknowledged ?? _next, _persisted, ledger?.Outstanding ?? 0, ledger?.Failed is not null));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event-store queue {Partition} starts after {Position}.")]
    private partial void LogStarted(int partition, GlobalPosition position);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event-store queue {Partition}: the events of stream {StreamId} from {Position} were not delivered to all their consumers. The queue's checkpoint stays at {Checkpoint} until the queue restarts, which delivers them (and what follows) again.")]
    private partial void LogDeliveryFailed(int partition, string streamId, GlobalPosition position, GlobalPosition checkpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event-store queue {Partition} could not write its checkpoint; it will try again.")]
    private partial void LogCheckpointFailed(Exception exception, int partition);
}

/// <summary>The state of one event-store queue on this silo.</summary>
/// <param name="Partition">The partition (queue number) it reads.</param>
/// <param name="Started">Whether its checkpoint has been loaded.</param>
/// <param name="ReadPosition">Where its next read starts.</param>
/// <param name="Acknowledged">Everything of the partition up to here was processed by all consumers.</param>
/// <param name="Persisted">The checkpoint last written.</param>
/// <param name="Outstanding">Batches handed to the agent and not yet reported delivered.</param>
/// <param name="Stalled">A batch failed, so the checkpoint stays where it is until the queue restarts.</param>
internal sealed record EventStoreQueueStatus(
    int Partition, bool Started, GlobalPosition ReadPosition, GlobalPosition Acknowledged, GlobalPosition Persisted, int Outstanding, bool Stalled);
