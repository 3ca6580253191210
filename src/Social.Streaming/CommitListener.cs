using Microsoft.Extensions.Logging;
using Npgsql;
using Social.Infrastructure.EventStore;

namespace Social.Streaming;

/// <summary>
/// The silo's one dedicated connection that LISTENs on <see cref="PostgresEventStore.CommittedChannel"/> and wakes the
/// queue of the partition each announced stream belongs to. It reconnects after any failure, and wakes every queue
/// whenever it (re)connects, since announcements made while it was not listening are lost.
/// </summary>
internal sealed partial class CommitListener : IAsyncDisposable
{
    private static readonly TimeSpan s_firstReconnectDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_maxReconnectDelay = TimeSpan.FromSeconds(5);

    // How long disposing waits for the listening loop to end.
    private static readonly TimeSpan s_stopWait = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly WakeSignal[] _signals;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _listening;
    private bool _disposed;

    public CommitListener(string connectionString, int partitionCount, ILogger logger)
    {
        // Its own physical connection, kept out of the pool (a pooled connection is reset when returned), with
        // keepalives so that a silently dropped connection is noticed while it waits.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            KeepAlive = 15,
            TcpKeepAlive = true,
            ApplicationName = "social-event-listener",
        }.ConnectionString;
        _signals = [.. Enumerable.Range(0, partitionCount).Select(_ => new WakeSignal())];
        _logger = logger;
    }

    /// <summary>Whether the connection is up and listening.</summary>
    public bool IsListening { get; private set; }

    /// <summary>The signal of a partition; the first call starts listening.</summary>
    public WakeSignal SignalFor(int partition)
    {
        lock (_gate)
        {
            if (_listening is null && !_disposed)
            {
                _listening = Task.Run(() => ListenAsync(_stopping.Token));
            }
        }

        return _signals[partition];
    }

    public async ValueTask DisposeAsync()
    {
        Task? listening;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            listening = _listening;
        }

        await _stopping.CancelAsync();
        if (listening is not null)
        {
            // Normally the loop ends at once. But against a server that hangs, a cancelled connect or wait can still take
            // Npgsql's own timeout, and this runs as the host exits (it disposes the stream provider).
            await listening.WaitAsync(s_stopWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!listening.IsCompleted)
            {
                // The loop still holds the token, so the source is left undisposed; the loop ends when Npgsql gives up.
                return;
            }
        }

        _stopping.Dispose();
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        var delay = s_firstReconnectDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                connection.Notification += (_, e) => Wake(e.Payload);
                await connection.OpenAsync(stopping);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresEventStore.CommittedChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                IsListening = true;
                delay = s_firstReconnectDelay;
                LogListening(PostgresEventStore.CommittedChannel);
                WakeAll();
                while (true)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                IsListening = false;
                LogConnectionLost(e, delay);
                WakeAll();
            }

            try
            {
                await Task.Delay(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxReconnectDelay.Ticks));
        }

        IsListening = false;
    }

    private void Wake(string streamIds)
    {
        if (string.IsNullOrEmpty(streamIds))
        {
            WakeAll();
            return;
        }

        foreach (var streamId in streamIds.Split('\n'))
        {
            _signals[PartitionReader.PartitionOf(streamId, _signals.Length)].Set();
        }
    }

    private void WakeAll()
    {
        foreach (var signal in _signals)
        {
            signal.Set();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for committed events on channel {Channel}.")]
    private partial void LogListening(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The connection listening for committed events failed; reconnecting in {Delay}. Queues poll until it is back.")]
    private partial void LogConnectionLost(Exception exception, TimeSpan delay);
}
