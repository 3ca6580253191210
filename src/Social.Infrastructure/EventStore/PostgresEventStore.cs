using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Social.Abstractions.EventStore;
using Social.Abstractions.Idempotency;

namespace Social.Infrastructure.EventStore;

/// <summary>
/// The event store on PostgreSQL: the <c>events</c> table of migration 0001. Appends from every caller of the instance
/// go through one <see cref="GroupCommit"/>, which writes many streams per transaction; the unique key on
/// <c>(stream_id, version)</c> makes exactly one of several concurrent appenders to a stream win, across instances too.
/// </summary>
public sealed class PostgresEventStore : IEventStore, IAsyncDisposable
{
    /// <summary>
    /// The channel on which each group commit announces, after it committed, the streams it wrote to (the payload: their
    /// ids, one per line; empty when too many to list, which wakes every reader), so that stream readers wake at once
    /// instead of waiting for their next poll. A notification is only a hint: it can be lost.
    /// </summary>
    public const string CommittedChannel = "events_committed";

    private const string CurrentVersionSql = "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1";

    private const string ReadStreamSql = $"""
        SELECT {EventRows.Columns}
        FROM events
        WHERE stream_id = $1 AND version > $2
        ORDER BY version
        LIMIT $3
        """;

    // Sequence numbers are taken when a row is inserted, not when its transaction commits, so a row with a smaller
    // sequence can become visible after one with a larger sequence; a reader that asked for "sequence > last seen"
    // would skip it for good. Instead the order is (transaction id, sequence), and only rows of transactions older
    // than the oldest one still running (the snapshot's xmin) are returned. Every transaction below xmin has ended,
    // so nothing can later appear before the last row returned, and a poller that resumes from it never misses one.
    // The price: one long-running transaction anywhere in the cluster holds readers back until it ends. The sub-select
    // computes the cut once per query, and the statement's snapshot is the one that decides which rows are visible.
    private const string ReadAllSql = $"""
        SELECT {EventRows.Columns}
        FROM events
        WHERE (transaction_id, sequence) > ($1, $2)
          AND transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
        ORDER BY transaction_id, sequence
        LIMIT $3
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommit _groupCommit;

    /// <summary>A store whose reads and appends share <paramref name="dataSource"/>.</summary>
    public PostgresEventStore(NpgsqlDataSource dataSource)
        : this(dataSource, dataSource, static transaction => transaction.CommitAsync(CancellationToken.None), new EventStoreOptions(), NullLogger.Instance)
    {
    }

    /// <summary>
    /// A store that reads through <paramref name="reads"/> and appends through <paramref name="appends"/>, whose pool the
    /// group commit has to itself, so that appends never wait behind reads for a connection.
    /// </summary>
    public PostgresEventStore(NpgsqlDataSource reads, NpgsqlDataSource appends, IOptions<EventStoreOptions> options, ILogger<PostgresEventStore> logger)
        : this(reads, appends, static transaction => transaction.CommitAsync(CancellationToken.None), options.Value, logger)
    {
    }

    /// <summary>Lets tests hold an append's transaction open before it commits, or make its commit fail.</summary>
    internal PostgresEventStore(NpgsqlDataSource dataSource, Func<NpgsqlTransaction, Task> commitAsync, EventStoreOptions? options = null)
        : this(dataSource, dataSource, commitAsync, options ?? new EventStoreOptions(), NullLogger.Instance)
    {
    }

    private PostgresEventStore(
        NpgsqlDataSource reads, NpgsqlDataSource appends, Func<NpgsqlTransaction, Task> commitAsync, EventStoreOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(reads);
        ArgumentNullException.ThrowIfNull(appends);
        ArgumentNullException.ThrowIfNull(commitAsync);
        _dataSource = reads;
        _groupCommit = new GroupCommit(new BatchWriter(appends, commitAsync, logger), options);
    }

    public async Task<long> AppendAsync(
        string streamId, long expectedVersion, IReadOnlyList<EventData> events, IdempotencyMark? idempotency = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var batch = EventBatch.From(events);
        cancellationToken.ThrowIfCancellationRequested();
        if (batch.Count > 0)
        {
            // Once queued, the append is written whatever the caller does meanwhile: its outcome must stay knowable.
            return await _groupCommit.AppendAsync(new PendingAppend(streamId, expectedVersion, batch, idempotency));
        }

        await using var connection = await OpenAsync(cancellationToken);
        try
        {
            var current = await CurrentVersionAsync(connection, streamId, cancellationToken);
            return current == expectedVersion ? current : throw new WrongExpectedVersionException(streamId, expectedVersion, current);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
    }

    /// <summary>Writes the appends still waiting, then stops.</summary>
    public ValueTask DisposeAsync() => _groupCommit.DisposeAsync();

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(
        string streamId, long afterVersion = 0, CancellationToken cancellationToken = default) =>
        ReadStreamPageAsync(streamId, afterVersion, int.MaxValue, cancellationToken);

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamPageAsync(
        string streamId, long afterVersion, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        return ReadAsync(
            async connection =>
            {
                await using var command = new NpgsqlCommand(ReadStreamSql, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterVersion });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
                return await ReadEventsAsync(command, cancellationToken);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(
        GlobalPosition after, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        return ReadAsync(
            async connection =>
            {
                await using var command = new NpgsqlCommand(ReadAllSql, connection);
                command.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = after.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Sequence });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
                return await ReadEventsAsync(command, cancellationToken);
            },
            cancellationToken);
    }

    /// <summary>
    /// Runs a read on a connection of the read pool. A connection the server dropped while it sat idle (PostgreSQL
    /// restarted) fails on its first use; the pool is then cleared and the read, which changed nothing, runs once more.
    /// </summary>
    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await OpenAsync(cancellationToken);
            try
            {
                return await read(connection);
            }
            catch (Exception e) when (attempt == 1 && PostgresFailures.IsStaleConnection(e))
            {
                _dataSource.Clear();
            }
            catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
            {
                throw PostgresFailures.Unavailable(e);
            }
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
    }

    private static async Task<long> CurrentVersionAsync(NpgsqlConnection connection, string streamId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(CurrentVersionSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(EventRows.Read(reader, offset: 0));
        }

        return events;
    }
}
