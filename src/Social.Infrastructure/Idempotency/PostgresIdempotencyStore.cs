using Npgsql;
using Social.Abstractions.Idempotency;
using Social.Infrastructure.EventStore;

namespace Social.Infrastructure.Idempotency;

/// <summary>
/// The idempotency store on PostgreSQL: the <c>idempotency_keys</c> table of migrations 0006 and 0008. The primary key on
/// <c>(caller, key)</c> decides which of several concurrent claims is first, on any instance. The write a key stands
/// for marks the key itself, in the event store's append (see <see cref="EventStore.BatchWriter"/>).
/// </summary>
public sealed class PostgresIdempotencyStore : IIdempotencyStore
{
    private const string ClaimSql = """
        INSERT INTO idempotency_keys (caller, key, request_fingerprint, reserved_id)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (caller, key) DO NOTHING
        """;

    private const string ReadSql = """
        SELECT request_fingerprint, reserved_id, response_status, response_content_type, response_body, response_location,
               committed_stream, committed_version
        FROM idempotency_keys
        WHERE caller = $1 AND key = $2
        """;

    private const string CompleteSql = """
        UPDATE idempotency_keys
        SET response_status = $3, response_content_type = $4, response_body = $5, response_location = $6, completed_at = now()
        WHERE caller = $1 AND key = $2
        """;

    // Oldest first, a bounded batch per statement, so that a large backlog never holds a long transaction.
    private const string ExpireSql = """
        DELETE FROM idempotency_keys
        WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < now() - $1 ORDER BY created_at LIMIT $2)
        """;

    // A claim that lost the insert reads the winner's row; it is gone again only if it expired in between.
    private const int ClaimAttempts = 3;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresIdempotencyStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async Task<IdempotencyClaim> ClaimAsync(
        string caller, string key, string requestFingerprint, string reservedId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(requestFingerprint);
        ArgumentNullException.ThrowIfNull(reservedId);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                // ON CONFLICT DO NOTHING waits for a concurrent claim of the same key to commit or roll back, so when it
                // inserts nothing the winner's row is committed, and the next statement (a new snapshot) sees it.
                await using (var insert = new NpgsqlCommand(ClaimSql, connection))
                {
                    AddText(insert, caller, key, requestFingerprint, reservedId);
                    if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
                    {
                        return new IdempotencyClaim(true, requestFingerprint, reservedId, null);
                    }
                }

                var existing = await ReadAsync(connection, caller, key, cancellationToken);
                if (existing is not null || attempt == ClaimAttempts)
                {
                    return existing ?? throw new InvalidOperationException(
                        $"Idempotency key '{key}' of '{caller}' could neither be claimed nor read.");
                }
            }
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
    }

    public async Task CompleteAsync(string caller, string key, StoredResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(response);
        int updated;
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(CompleteSql, connection);
            AddText(command, caller, key);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = response.StatusCode });
            AddText(command, response.ContentType, response.Body, response.Location);
            updated = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }

        if (updated == 0)
        {
            throw new InvalidOperationException($"Idempotency key '{key}' of '{caller}' was not claimed, so it cannot be completed.");
        }
    }

    public async Task<int> ExpireAsync(TimeSpan lifetime, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        try
        {
            await using var command = _dataSource.CreateCommand(ExpireSql);
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lifetime });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
    }

    private static async Task<IdempotencyClaim?> ReadAsync(
        NpgsqlConnection connection, string caller, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadSql, connection);
        AddText(command, caller, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var response = reader.IsDBNull(2)
            ? null
            : new StoredResponse(
                reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5));
        var committed = reader.IsDBNull(6) ? null : new CommittedWrite(reader.GetString(6), reader.GetInt64(7));
        return new IdempotencyClaim(false, reader.GetString(0), reader.GetString(1), response, committed);
    }

    private static void AddText(NpgsqlCommand command, params string?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }
    }
}
