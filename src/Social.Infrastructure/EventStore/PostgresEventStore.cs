using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
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

    private const string SelectColumns =
        "stream_id, version, transaction_id, sequence, event_id, event_type, data::text, metadata::text, recorded_at";

    private const string ReadStreamSql = $"""
        SELECT {SelectColumns}
        FROM events
        WHERE stream_id = $1 AND version > $2
        ORDER BY version
        """;

    // Sequence numbers are taken when a row is inserted, not when its transaction commits, so a row with a smaller
    // sequence can become visible after one with a larger sequence; a reader that asked for "sequence > last seen"
    // would skip it for good. Instead the order is (transaction id, sequence), and only rows of transactions older
    // than the oldest one still running (the snapshot's xmin) are returned. Every transaction below xmin has ended,
    // so nothing can later appear before the last row returned, and a poller that resumes from it never misses one.
    // The price: one long-running transaction anywhere in the cluster holds readers back until it ends. The sub-select
    // computes the cut once per query, and the statement's snapshot is the one that decides which rows are visible.
    private const string ReadAllSql = $"""
        SELECT {SelectColumns}
        FROM events
        WHERE (transaction_id, sequence) > ($1, $2)
          AND transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
        ORDER BY transaction_id, sequence
        LIMIT $3
        """;

    // The events of one partition (see PartitionOf), in the commit-safe order of ReadAllSql. The read takes a window of
    // the global order after the last position (at most $6 rows, up to the cut: the snapshot's xmin) through
    // events_global_position_idx, keeps the partition's events among them (at most $3), and fetches those by primary
    // key. A window rather than "the partition's next $3 events": the planner cannot know that a partition holds an
    // eighth of the rows, and with a filter it estimates as rare it prefers to fetch and sort everything up to the cut,
    // which for a reader far behind is the whole log, on every read. With a window each read costs at most $6 index
    // entries however far behind the reader is; no index per partition is needed, and the number of partitions can
    // change without a schema change.
    // The statement also returns the cut and the window's size and end, even when no event comes back, so that the
    // reader knows how far it has read (see PartitionPage.Next); and held_back: whether events of the partition are
    // committed above the cut, waiting for an older transaction to end, so that a reader can look again shortly
    // instead of waiting for the next commit. The MATERIALIZED sub-queries run once, in the statement's snapshot, the
    // snapshot that also decides which rows are visible.
    // The partition expression must stay equal to PartitionOf: the first four bytes of the MD5 of the UTF-8 stream id,
    // as an unsigned big-endian number, modulo the partition count.
    internal const string ReadPartitionSql = $"""
        WITH cut AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
        scanned AS MATERIALIZED (
            SELECT transaction_id, sequence, {PartitionExpression} % $4 = $5 AS mine
            FROM events
            WHERE (transaction_id, sequence) > ($1, $2)
              AND transaction_id < (SELECT xmin FROM cut)
            ORDER BY transaction_id, sequence
            LIMIT $6),
        window_end AS MATERIALIZED (
            SELECT transaction_id, sequence FROM scanned ORDER BY transaction_id DESC, sequence DESC LIMIT 1),
        held AS MATERIALIZED (
            SELECT EXISTS (
                SELECT 1 FROM events
                WHERE transaction_id >= (SELECT xmin FROM cut)
                  AND {PartitionExpression} % $4 = $5) AS held_back)
        SELECT cut.xmin, held.held_back, (SELECT count(*) FROM scanned), window_end.transaction_id, window_end.sequence, e.*
        FROM cut
        CROSS JOIN held
        LEFT JOIN window_end ON true
        LEFT JOIN LATERAL (
            SELECT {SelectColumns}
            FROM events
            WHERE sequence IN (SELECT sequence FROM scanned WHERE mine ORDER BY transaction_id, sequence LIMIT $3)
        ) e ON true
        ORDER BY e.transaction_id, e.sequence
        """;

    // How many rows of the global order one partition read may look at, per event it may return: with evenly spread
    // streams a window of maxCount times the partition count holds about maxCount of the partition's events.
    private const int MaxReadWindow = 16_384;

    internal const string PartitionExpression = "('x' || left(md5(convert_to(stream_id, 'UTF8')), 8))::bit(32)::bigint";

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
        string streamId, long afterVersion = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        return ReadAsync(
            async connection =>
            {
                await using var command = new NpgsqlCommand(ReadStreamSql, connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterVersion });
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
    /// Reads up to <paramref name="maxCount"/> events of one partition of the streams after <paramref name="after"/>,
    /// in the commit-safe order of <see cref="ReadAllAsync"/>. Every stream belongs to exactly one partition
    /// (<see cref="PartitionOf"/>), so reading each partition in turn keeps each stream's order.
    /// </summary>
    /// <returns>The events, and where the next read of the partition starts.</returns>
    public async Task<PartitionPage> ReadPartitionAsync(
        int partition, int partitionCount, GlobalPosition after, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, partitionCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        await using var connection = await OpenAsync(cancellationToken);
        try
        {
            var window = (int)Math.Clamp((long)maxCount * partitionCount, maxCount, Math.Max(maxCount, MaxReadWindow));
            await using var command = new NpgsqlCommand(ReadPartitionSql, connection);
            command.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = after.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Sequence });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = partitionCount });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = partition });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = window });

            var events = new List<RecordedEvent>();
            ulong cut = 0;
            var heldBack = false;
            long scanned = 0;
            var windowEnd = after;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                cut = reader.GetFieldValue<ulong>(0);
                heldBack = reader.GetBoolean(1);
                scanned = reader.GetInt64(2);
                if (!reader.IsDBNull(3))
                {
                    windowEnd = new GlobalPosition(reader.GetFieldValue<ulong>(3), reader.GetInt64(4));
                }

                if (!reader.IsDBNull(5))
                {
                    events.Add(ReadEvent(reader, offset: 5));
                }
            }

            // A full page may stop short of the window's end, and a full window short of the cut; otherwise everything
            // of the partition below the cut has been read (and every row read lies below the cut).
            var more = events.Count == maxCount || scanned == window;
            var next = events.Count == maxCount ? events[^1].Position
                : scanned == window ? windowEnd
                : new GlobalPosition(cut, 0);
            return new PartitionPage(events, Max(next, after), more, heldBack);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
    }

    /// <summary>
    /// The partition of a stream among <paramref name="partitionCount"/>: the first four bytes of the MD5 of its UTF-8
    /// id, as an unsigned big-endian number, modulo the count. <see cref="ReadPartitionAsync"/> computes the same in SQL.
    /// </summary>
    public static int PartitionOf(string streamId, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        Span<byte> hash = stackalloc byte[MD5.HashSizeInBytes];
#pragma warning disable CA5351 // Not for security: a stable hash that PostgreSQL (md5) and .NET compute alike.
        MD5.HashData(Encoding.UTF8.GetBytes(streamId), hash);
#pragma warning restore CA5351
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(hash) % (uint)partitionCount);
    }

    private static GlobalPosition Max(GlobalPosition a, GlobalPosition b) => a.CompareTo(b) >= 0 ? a : b;

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
            events.Add(ReadEvent(reader, offset: 0));
        }

        return events;
    }

    /// <summary>Reads the <see cref="SelectColumns"/> that start at column <paramref name="offset"/>.</summary>
    private static RecordedEvent ReadEvent(NpgsqlDataReader reader, int offset) => new(
        StreamId: reader.GetString(offset),
        Version: reader.GetInt64(offset + 1),
        Position: new GlobalPosition(reader.GetFieldValue<ulong>(offset + 2), reader.GetInt64(offset + 3)),
        EventId: reader.GetGuid(offset + 4),
        Type: reader.GetString(offset + 5),
        Data: reader.GetString(offset + 6),
        Metadata: EventMetadataJson.Deserialize(reader.GetString(offset + 7)),
        RecordedAt: reader.GetFieldValue<DateTimeOffset>(offset + 8));
}

/// <summary>A page of one partition's events, read by <see cref="PostgresEventStore.ReadPartitionAsync"/>.</summary>
/// <param name="Events">The events, in commit-safe order.</param>
/// <param name="Next">
/// Where the next read of the partition starts (its <c>after</c>): the last event's position when the page is full;
/// the end of the stretch of the global order that was looked through when that was all there was room for; otherwise
/// the commit-safe cut, because every event of the partition before it has been returned. A page can be empty and
/// still move <paramref name="Next"/> on.
/// </param>
/// <param name="More">
/// Whether the read stopped before the commit-safe cut, for want of room: read again from <paramref name="Next"/> at once.
/// </param>
/// <param name="HeldBack">
/// Whether more events of the partition are committed but not yet readable, because a transaction that began before
/// theirs is still running: they will be readable as soon as it ends.
/// </param>
public sealed record PartitionPage(IReadOnlyList<RecordedEvent> Events, GlobalPosition Next, bool More, bool HeldBack);
