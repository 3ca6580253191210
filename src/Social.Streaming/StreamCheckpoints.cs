using Npgsql;
using NpgsqlTypes;
using Social.Abstractions.EventStore;
using Social.Infrastructure.EventStore;

namespace Social.Streaming;

/// <summary>The queues' checkpoints in the <c>stream_checkpoints</c> table (migration 0007).</summary>
internal sealed class StreamCheckpoints(NpgsqlDataSource dataSource, string providerName, int queueCount)
{
    // The queue's own checkpoint. Without one (the queue never started, or the provider ran with another queue count
    // before), the lowest checkpoint of the latest other partitioning whose queues all have one, because any of its
    // queues may have carried this queue's streams; if there is none, the start of the log. A queue writes its first
    // checkpoint as it starts, before it hands out anything, so a partitioning with a missing row may have events that
    // were never delivered, and is not trusted.
    private const string LoadSql = """
        SELECT rank, transaction_id, sequence FROM (
            SELECT 0 AS rank, transaction_id, sequence
            FROM stream_checkpoints
            WHERE provider_name = $1 AND queue_count = $2 AND queue_id = $3
            UNION ALL
            (SELECT 1, transaction_id, sequence
             FROM stream_checkpoints
             WHERE provider_name = $1
               AND queue_count = (SELECT queue_count
                                  FROM stream_checkpoints
                                  WHERE provider_name = $1 AND queue_count <> $2
                                  GROUP BY queue_count
                                  HAVING count(*) = queue_count
                                  ORDER BY max(updated_at) DESC
                                  LIMIT 1)
             ORDER BY transaction_id, sequence
             LIMIT 1)
        ) found
        ORDER BY rank
        LIMIT 1
        """;

    // Checkpoints only move forward: every value written is a true claim (all events up to it were delivered), so when
    // two agents overlap on one queue for a moment, as they can while a queue moves between silos, keeping the larger
    // claim is safe and saves redelivering.
    private const string SaveSql = """
        INSERT INTO stream_checkpoints (provider_name, queue_count, queue_id, transaction_id, sequence)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (provider_name, queue_count, queue_id) DO UPDATE
        SET transaction_id = excluded.transaction_id, sequence = excluded.sequence, updated_at = now()
        WHERE (stream_checkpoints.transaction_id, stream_checkpoints.sequence) <= (excluded.transaction_id, excluded.sequence)
        """;

    /// <summary>
    /// Where the queue starts: after its checkpoint (see <see cref="LoadSql"/>). A queue without one of its own gets one
    /// written now, before it hands anything out.
    /// </summary>
    /// <exception cref="StoreUnavailableException">PostgreSQL cannot be reached.</exception>
    public async Task<GlobalPosition> LoadAsync(int queue, CancellationToken cancellationToken)
    {
        bool own;
        GlobalPosition position;
        try
        {
            await using var command = dataSource.CreateCommand(LoadSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = providerName });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = queueCount });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = queue });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var found = await reader.ReadAsync(cancellationToken);
            own = found && reader.GetInt32(0) == 0;
            position = found ? new GlobalPosition(reader.GetFieldValue<ulong>(1), reader.GetInt64(2)) : GlobalPosition.Start;
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }

        if (!own)
        {
            await SaveAsync(queue, position, cancellationToken);
        }

        return position;
    }

    /// <exception cref="StoreUnavailableException">PostgreSQL cannot be reached.</exception>
    public async Task SaveAsync(int queue, GlobalPosition position, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(SaveSql);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = providerName });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = queueCount });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = queue });
            command.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = position.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position.Sequence });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
    }
}
