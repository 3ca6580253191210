using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Social.Abstractions.EventStore;
using Social.Infrastructure.EventStore;

namespace Social.Streaming;

/// <summary>
/// Reads the event store's committed events one partition at a time, for the queues of the stream provider: every
/// stream belongs to exactly one partition (<see cref="PartitionOf"/>), so a queue that reads its partition in order
/// sees each of its streams in order.
/// </summary>
public sealed class PartitionReader(NpgsqlDataSource dataSource)
{
    // The events of one partition (see PartitionOf), in the commit-safe order of the event store's ReadAllSql (see
    // PostgresEventStore, which says why): by (transaction id, sequence), and only of transactions older than the
    // snapshot's xmin, so that a reader resuming from the last row returned never skips one committed later. The read
    // takes a window of the global order after the last position (at most $6 rows, up to the cut: the snapshot's xmin)
    // through events_global_position_idx, keeps the partition's events among them (at most $3), and fetches those by
    // primary key. A window rather than "the partition's next $3 events": the planner cannot know that a partition
    // holds an eighth of the rows, and with a filter it estimates as rare it prefers to fetch and sort everything up to
    // the cut, which for a reader far behind is the whole log, on every read. With a window each read costs at most $6
    // index entries however far behind the reader is; no index per partition is needed, and the number of partitions
    // can change without a schema change.
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
            SELECT {EventRows.Columns}
            FROM events
            WHERE sequence IN (SELECT sequence FROM scanned WHERE mine ORDER BY transaction_id, sequence LIMIT $3)
        ) e ON true
        ORDER BY e.transaction_id, e.sequence
        """;

    /// <summary>
    /// The partition of an <c>events</c> row's <c>stream_id</c>, as a number still to be taken modulo the partition
    /// count: the SQL side of <see cref="PartitionOf"/>, which it must stay equal to.
    /// </summary>
    internal const string PartitionExpression = "('x' || left(md5(convert_to(stream_id, 'UTF8')), 8))::bit(32)::bigint";

    // How many rows of the global order one partition read may look at, per event it may return: with evenly spread
    // streams a window of maxCount times the partition count holds about maxCount of the partition's events.
    private const int MaxReadWindow = 16_384;

    /// <summary>
    /// Reads up to <paramref name="maxCount"/> events of one partition of the streams after <paramref name="after"/>,
    /// in the commit-safe order of <see cref="PostgresEventStore.ReadAllAsync"/>. Every stream belongs to exactly one
    /// partition (<see cref="PartitionOf"/>), so reading each partition in turn keeps each stream's order.
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
                    events.Add(EventRows.Read(reader, offset: 5));
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

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
    }
}
