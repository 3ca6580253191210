using Npgsql;
using NpgsqlTypes;
using Social.Abstractions.EventStore;

namespace Social.Infrastructure.EventStore;

/// <summary>The <c>snapshots</c> table of migrations 0011 and 0012.</summary>
public sealed class PostgresSnapshotStore(NpgsqlDataSource dataSource) : ISnapshotStore
{
    private const string ReadSql = "SELECT version, shape, state::text FROM snapshots WHERE stream_id = $1";

    // Two activations of one grain for a moment (a membership change) may both write: the later version stays.
    private const string WriteSql = """
        INSERT INTO snapshots (stream_id, version, shape, state) VALUES ($1, $2, $3, $4)
        ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, shape = EXCLUDED.shape, state = EXCLUDED.state, taken_at = now()
        WHERE snapshots.version < EXCLUDED.version
        """;

    public Task<StateSnapshot?> ReadAsync(string streamId, CancellationToken cancellationToken = default) => dataSource.RunAsync(async connection =>
    {
        await using var command = new NpgsqlCommand(ReadSql, connection);
        command.Parameters.AddTexts(streamId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StateSnapshot(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)) : null;
    }, cancellationToken);

    public Task WriteAsync(string streamId, long version, string shape, string state) => dataSource.RunAsync(async connection =>
    {
        await using var command = new NpgsqlCommand(WriteSql, connection);
        command.Parameters.AddTexts(streamId);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
        command.Parameters.AddTexts(shape);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = state, NpgsqlDbType = NpgsqlDbType.Jsonb });
        return await command.ExecuteNonQueryAsync();
    }, CancellationToken.None);
}
