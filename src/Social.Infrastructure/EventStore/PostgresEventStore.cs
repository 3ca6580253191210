using Social.Abstractions.Diagnostics;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Social.Abstractions.EventStore;

namespace Social.Infrastructure.EventStore;

/// <summary>
/// The event store on PostgreSQL: the <c>events</c> table of migration 0001. An append is one transaction that checks
/// the stream's version and inserts the whole batch in a single statement; the unique key on
/// <c>(stream_id, version)</c> makes exactly one of several concurrent appenders win.
/// </summary>
public sealed class PostgresEventStore : IEventStore
{
    /// <summary>
    /// The channel on which an append announces, after its commit, the stream it wrote to (the payload), so that stream
    /// readers wake at once instead of waiting for their next poll. A notification is only a hint: it can be lost.
    /// </summary>
    public const string CommittedChannel = "events_committed";

    // A notification's payload must stay under 8000 bytes; a longer stream id is announced with an empty payload,
    // which wakes every reader.
    private const int MaxNotifiedStreamIdLength = 1000;

    // How long to wait for a transaction whose COMMIT got no answer to end, before giving up and reporting the store
    // as unavailable. A retry of the same append is harmless either way.
    private static readonly TimeSpan s_unknownOutcomeWait = TimeSpan.FromSeconds(5);

    // The version check and the insert are one statement, so they share one snapshot. Two appenders that both pass
    // the check insert the same (stream_id, version) first; the second waits on the unique index for the first to
    // finish and then fails with a unique violation, so nothing is ever overwritten or left with a gap. Rows come
    // out of unnest in batch order, so sequence numbers grow with the version inside a batch.
    private const string AppendSql = """
        WITH appended AS (
            INSERT INTO events (stream_id, version, event_id, event_type, data, metadata)
            SELECT $1, $2 + e.ordinal, e.event_id, e.event_type, e.data, e.metadata
            FROM unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])
                WITH ORDINALITY AS e(event_id, event_type, data, metadata, ordinal)
            WHERE (SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1) = $2
            ORDER BY e.ordinal
            RETURNING transaction_id
        )
        SELECT transaction_id, count(*) FROM appended GROUP BY transaction_id
        """;

    // After an append was turned down or its commit went unanswered: where the stream is, and how many of the batch's
    // event ids are stored at exactly the versions this append would have given them.
    private const string CheckSql = """
        SELECT
            (SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1),
            (SELECT count(*)
             FROM unnest($3::uuid[]) WITH ORDINALITY AS e(event_id, ordinal)
             JOIN events ON events.event_id = e.event_id
             WHERE events.stream_id = $1 AND events.version = $2 + e.ordinal)
        """;

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

    private const string NotifySql = $"SELECT pg_notify('{CommittedChannel}', $1)";

    private readonly NpgsqlDataSource _dataSource;
    private readonly Func<NpgsqlTransaction, Task> _commitAsync;

    public PostgresEventStore(NpgsqlDataSource dataSource)
        : this(dataSource, static transaction => transaction.CommitAsync(CancellationToken.None))
    {
    }

    /// <summary>Lets tests hold an append's transaction open before it commits, or make its commit fail.</summary>
    internal PostgresEventStore(NpgsqlDataSource dataSource, Func<NpgsqlTransaction, Task> commitAsync)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(commitAsync);
        _dataSource = dataSource;
        _commitAsync = commitAsync;
    }

    public async Task<long> AppendAsync(
        string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var batch = Batch.From(events);

        await using var connection = await OpenAsync(cancellationToken);
        try
        {
            if (batch.Count == 0)
            {
                var current = await CurrentVersionAsync(connection, streamId, cancellationToken);
                return current == expectedVersion
                    ? current
                    : throw new WrongExpectedVersionException(streamId, expectedVersion, current);
            }

            var attempt = await TryAppendAsync(connection, streamId, expectedVersion, batch, cancellationToken);
            if (attempt.Written)
            {
                SocialMetrics.EventsAppended.Add(batch.Count, new KeyValuePair<string, object?>("stream", StreamKind(streamId)));
                await NotifyCommittedAsync(connection, streamId);
                return expectedVersion + batch.Count;
            }

            if (attempt.CommitFailure is null)
            {
                // Turned down: another writer was first, or this is a retry of an append that did land.
                var check = await CheckAsync(connection, streamId, expectedVersion, batch, cancellationToken);
                return check.AlreadyStored == batch.Count
                    ? expectedVersion + batch.Count
                    : throw new WrongExpectedVersionException(streamId, expectedVersion, check.CurrentVersion);
            }

            return await ResolveUnknownCommitAsync(streamId, expectedVersion, batch, attempt, cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
    }

    // "post-01J…" → "post": the metric's tag, few values whatever the streams.
    private static string StreamKind(string streamId) => streamId.IndexOf('-', StringComparison.Ordinal) is > 0 and var dash ? streamId[..dash] : "other";

    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(
        string streamId, long afterVersion = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        await using var connection = await OpenAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(ReadStreamSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterVersion });
            return await ReadEventsAsync(command, cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(
        GlobalPosition after, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        await using var connection = await OpenAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(ReadAllSql, connection);
            command.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = after.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Sequence });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
            return await ReadEventsAsync(command, cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
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
    /// Announces a committed append on <see cref="CommittedChannel"/>. It runs after COMMIT, in its own statement:
    /// a NOTIFY inside the append's transaction would take PostgreSQL's cluster-wide notification lock while committing
    /// and so serialise all appends. It is only a hint, so a failure is ignored: the append is committed, and readers
    /// find its events at their next poll.
    /// </summary>
    private static async Task NotifyCommittedAsync(NpgsqlConnection connection, string streamId)
    {
        try
        {
            await using var command = new NpgsqlCommand(NotifySql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId.Length <= MaxNotifiedStreamIdLength ? streamId : "" });
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            // Lost hint; see above.
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

    private async Task<AppendAttempt> TryAppendAsync(
        NpgsqlConnection connection, string streamId, long expectedVersion, Batch batch, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        ulong transactionId;
        try
        {
            await using var command = new NpgsqlCommand(AppendSql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = batch.EventIds });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Types });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                // The version check failed: nothing was inserted.
                await reader.DisposeAsync();
                await transaction.RollbackAsync(cancellationToken);
                return AppendAttempt.Rejected;
            }

            transactionId = reader.GetFieldValue<ulong>(0);
            Debug.Assert(reader.GetInt64(1) == batch.Count, "the whole batch is inserted or none of it");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A concurrent appender took one of these versions, or one of these event ids is stored already.
            await transaction.RollbackAsync(cancellationToken);
            return AppendAttempt.Rejected;
        }

        try
        {
            await _commitAsync(transaction);
            return AppendAttempt.Success;
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, CancellationToken.None))
        {
            // The COMMIT may or may not have been carried out; the caller finds out which.
            return new AppendAttempt(false, e, transactionId);
        }
    }

    /// <summary>
    /// The connection broke while committing, so the append may have landed or not. Waits for the transaction to end,
    /// then looks the batch up by event id: stored at its versions means success; otherwise nothing was written.
    /// </summary>
    private async Task<long> ResolveUnknownCommitAsync(
        string streamId, long expectedVersion, Batch batch, AppendAttempt attempt, CancellationToken cancellationToken)
    {
        var failure = attempt.CommitFailure!;
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            if (!await WaitForTransactionEndAsync(connection, attempt.TransactionId, cancellationToken))
            {
                throw PostgresFailures.Unavailable(failure);
            }

            var check = await CheckAsync(connection, streamId, expectedVersion, batch, cancellationToken);
            if (check.AlreadyStored != batch.Count)
            {
                throw PostgresFailures.Unavailable(failure);
            }

            await NotifyCommittedAsync(connection, streamId);
            return expectedVersion + batch.Count;
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(failure);
        }
    }

    /// <summary>True once the transaction has committed or aborted; false if it is still running after a while.</summary>
    private static async Task<bool> WaitForTransactionEndAsync(
        NpgsqlConnection connection, ulong transactionId, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT pg_xact_status($1)", connection);
            command.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = transactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
            var status = await command.ExecuteScalarAsync(cancellationToken) as string;
            if (status != "in progress")
            {
                return true;
            }

            if (waited.Elapsed > s_unknownOutcomeWait)
            {
                return false;
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(200).Ticks));
        }
    }

    private static async Task<(long CurrentVersion, long AlreadyStored)> CheckAsync(
        NpgsqlConnection connection, string streamId, long expectedVersion, Batch batch, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(CheckSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = batch.EventIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
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

    private sealed record AppendAttempt(bool Written, Exception? CommitFailure, ulong TransactionId)
    {
        public static AppendAttempt Success { get; } = new(true, null, 0);

        public static AppendAttempt Rejected { get; } = new(false, null, 0);
    }

    /// <summary>A batch of events as the column arrays that the append statement unnests.</summary>
    private sealed class Batch
    {
        private Batch(Guid[] eventIds, string[] types, string[] data, string[] metadata)
        {
            EventIds = eventIds;
            Types = types;
            Data = data;
            Metadata = metadata;
        }

        public int Count => EventIds.Length;

        public Guid[] EventIds { get; }

        public string[] Types { get; }

        public string[] Data { get; }

        public string[] Metadata { get; }

        public static Batch From(IReadOnlyList<EventData> events)
        {
            ArgumentNullException.ThrowIfNull(events);
            var ids = new Guid[events.Count];
            var types = new string[events.Count];
            var data = new string[events.Count];
            var metadata = new string[events.Count];
            var seen = new HashSet<Guid>();
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i] ?? throw new ArgumentException($"Event {i} is null.", nameof(events));
                if (e.EventId == Guid.Empty || !seen.Add(e.EventId))
                {
                    throw new ArgumentException($"Event {i} has an empty or repeated id {e.EventId}.", nameof(events));
                }

                if (string.IsNullOrEmpty(e.Type) || e.Data is null)
                {
                    throw new ArgumentException($"Event {i} ({e.EventId}) has no type or no data.", nameof(events));
                }

                ids[i] = e.EventId;
                types[i] = e.Type;
                data[i] = e.Data;
                metadata[i] = EventMetadataJson.Serialize(e.Metadata);
            }

            return new Batch(ids, types, data, metadata);
        }
    }
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
