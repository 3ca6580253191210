using Npgsql;
using Social.Abstractions.EventStore;
using Social.Infrastructure.EventStore;

namespace Social.Streaming;

/// <summary>
/// How far behind the event store each queue of the stream provider is. Every projection is fed by these queues, so a
/// queue's checkpoint is where the projections of its streams stand (they may be a little ahead: the checkpoint is
/// written every <see cref="EventStoreStreamOptions.CheckpointInterval"/>).
/// </summary>
public sealed class TransportLag(NpgsqlDataSource dataSource)
{
    private const string HeadSql = """
        SELECT transaction_id, sequence, recorded_at FROM events ORDER BY transaction_id DESC, sequence DESC LIMIT 1
        """;

    private const string QueuesSql = $"""
        SELECT c.queue_id, c.queue_count, c.transaction_id, c.sequence, c.updated_at, pending.events, pending.oldest
        FROM stream_checkpoints c
        CROSS JOIN LATERAL (
            SELECT count(*) AS events, min(e.recorded_at) AS oldest
            FROM events e
            WHERE (e.transaction_id, e.sequence) > (c.transaction_id, c.sequence)
              AND {PartitionReader.PartitionExpression} % c.queue_count = c.queue_id
        ) pending
        WHERE c.provider_name = $1
        ORDER BY c.queue_count, c.queue_id
        """;

    /// <summary>Each queue's checkpoint and the events behind it; a cancelled read ends at once (see <see cref="StoreCalls"/>).</summary>
    public Task<TransportLagReport> ReadAsync(string providerName, CancellationToken cancellationToken = default) =>
        ReadFromStoreAsync(providerName, cancellationToken).UntilCancelledAsync(cancellationToken);

    private async Task<TransportLagReport> ReadFromStoreAsync(string providerName, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var head = await ReadHeadAsync(connection, cancellationToken);
            await using var command = new NpgsqlCommand(QueuesSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = providerName });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var queues = new List<QueueLag>();
            var now = DateTimeOffset.UtcNow;
            while (await reader.ReadAsync(cancellationToken))
            {
                var oldestPending = reader.IsDBNull(6) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(6);
                queues.Add(new QueueLag(
                    $"{providerName}/{reader.GetInt32(1)}/{reader.GetInt32(0)}",
                    new GlobalPosition(reader.GetFieldValue<ulong>(2), reader.GetInt64(3)).ToString(),
                    reader.GetFieldValue<DateTimeOffset>(4),
                    reader.GetInt64(5),
                    oldestPending is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0));
            }

            return new TransportLagReport(head, queues);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
    }

    private static async Task<EventStoreHead?> ReadHeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(HeadSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new EventStoreHead(new GlobalPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)).ToString(), reader.GetFieldValue<DateTimeOffset>(2))
            : null;
    }
}

/// <summary>The event store's head and each queue's position behind it.</summary>
public sealed record TransportLagReport(EventStoreHead? Head, IReadOnlyList<QueueLag> Queues);

/// <summary>The newest event in the store.</summary>
/// <param name="Position">Its global position (transaction id:sequence).</param>
/// <param name="RecordedAt">When it was committed.</param>
public sealed record EventStoreHead(string Position, DateTimeOffset RecordedAt);

/// <summary>One queue of the stream provider: the projections of its streams.</summary>
/// <param name="Name">provider/queue count/queue.</param>
/// <param name="Checkpoint">The global position up to which every event of the queue was delivered.</param>
/// <param name="CheckpointAt">When the checkpoint was last written.</param>
/// <param name="LagEvents">Events of the queue after the checkpoint.</param>
/// <param name="LagSeconds">Age of the oldest of them, in seconds (0 when none).</param>
public sealed record QueueLag(string Name, string Checkpoint, DateTimeOffset CheckpointAt, long LagEvents, double LagSeconds);
