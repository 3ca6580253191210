using System.Threading.Channels;
using Social.Abstractions.Commands;

namespace Social.Infrastructure.EventStore;

/// <summary>
/// The one appender of an event store: concurrent appends wait here and are written together by
/// <see cref="BatchWriter"/>, one transaction at a time. There is no timer: a batch is whatever arrived while the
/// previous one was committing, so an idle store writes an append at once and a busy one writes many per fsync.
/// The queue is bounded; when it is full an append is refused at once instead of waiting behind work that cannot finish
/// in time.
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    private readonly Channel<PendingAppend> _waiting;
    private readonly BatchWriter _writer;
    private readonly EventStoreOptions _options;
    private readonly Task _loop;
    private volatile bool _stopped;

    public GroupCommit(BatchWriter writer, EventStoreOptions options)
    {
        _writer = writer;
        _options = options;
        _waiting = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(options.MaxWaitingAppends)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues the append and returns its own outcome.</summary>
    /// <exception cref="OverloadedException">Too many appends are waiting already.</exception>
    public Task<long> AppendAsync(PendingAppend append)
    {
        if (_waiting.Writer.TryWrite(append))
        {
            return append.Outcome;
        }

        return _stopped
            ? throw new ObjectDisposedException(nameof(GroupCommit))
            : throw new OverloadedException("the event store's appends", _options.OverloadRetryAfter);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingAppend>(_options.MaxBatchAppends);
        var streams = new HashSet<string>(StringComparer.Ordinal);
        // A second append to a stream already in the batch (two activations of one grain, for a moment) waits for the
        // next batch: its expected version is decided against the first one's outcome.
        var deferred = new Queue<PendingAppend>();
        while (deferred.Count > 0 || await _waiting.Reader.WaitToReadAsync())
        {
            for (var carried = deferred.Count; carried > 0; carried--)
            {
                Take(deferred.Dequeue());
            }

            while (batch.Count < _options.MaxBatchAppends && _waiting.Reader.TryRead(out var next))
            {
                Take(next);
            }

            await _writer.WriteAsync(batch);
            batch.Clear();
            streams.Clear();
        }

        void Take(PendingAppend append)
        {
            if (streams.Add(append.StreamId))
            {
                batch.Add(append);
            }
            else
            {
                deferred.Enqueue(append);
            }
        }
    }

    /// <summary>Writes what is queued, then stops taking appends.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopped = true;
        _waiting.Writer.TryComplete();
        await _loop;
    }
}
