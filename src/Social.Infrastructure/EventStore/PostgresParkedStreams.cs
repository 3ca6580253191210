using Npgsql;
using Social.Abstractions.ReadModels;

namespace Social.Infrastructure.EventStore;

/// <summary>The <c>parked_streams</c> table of migration 0009.</summary>
public sealed class PostgresParkedStreams(NpgsqlDataSource dataSource) : IParkedStreams
{
    private const string ParkSql = """
        INSERT INTO parked_streams (stream_id, version, event_type, error, attempts, parked_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (stream_id) DO UPDATE SET
            version = EXCLUDED.version, event_type = EXCLUDED.event_type, error = EXCLUDED.error,
            attempts = EXCLUDED.attempts, parked_at = EXCLUDED.parked_at
        """;

    private const string ListSql = """
        SELECT stream_id, version, event_type, error, attempts, parked_at FROM parked_streams ORDER BY parked_at, stream_id LIMIT $1
        """;

    private const string ReleaseSql = "DELETE FROM parked_streams WHERE stream_id = $1";

    public Task ParkAsync(ParkedStream parked) => dataSource.RunAsync(async connection =>
    {
        await using var command = new NpgsqlCommand(ParkSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parked.StreamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = parked.Version });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parked.EventType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parked.Error });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = parked.Attempts });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = parked.ParkedAt });
        return await command.ExecuteNonQueryAsync();
    }, CancellationToken.None);

    public Task<IReadOnlyList<ParkedStream>> ListAsync(int limit, CancellationToken cancellationToken = default) => dataSource.RunAsync(async connection =>
    {
        await using var command = new NpgsqlCommand(ListSql, connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var parked = new List<ParkedStream>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            parked.Add(new ParkedStream(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return (IReadOnlyList<ParkedStream>)parked;
    }, cancellationToken);

    public async Task<bool> ReleaseAsync(string streamId, CancellationToken cancellationToken = default) => await dataSource.RunAsync(async connection =>
    {
        await using var command = new NpgsqlCommand(ReleaseSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }, cancellationToken) > 0;
}
