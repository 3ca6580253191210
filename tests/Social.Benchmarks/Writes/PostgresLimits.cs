using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Social.Benchmarks.Hosted;
using Social.Testing;

namespace Social.Benchmarks.Writes;

/// <summary>One way of inserting rows, measured: how many went in, in how many transactions, in how long.</summary>
internal sealed record InsertLimit(string Pattern, long Rows, long Transactions, TimeSpan Elapsed, Percentiles Commit)
{
    public double RowsPerSecond => Rows / Elapsed.TotalSeconds;

    public double TransactionsPerSecond => Transactions / Elapsed.TotalSeconds;
}

/// <summary>
/// What the PostgreSQL server the host uses can do on this machine without the host: durable inserts into a table
/// shaped like <c>events</c>, in a database of its own, with the server's settings as they are (so with
/// synchronous_commit on), from Npgsql directly. A write path that acknowledges far fewer posts per second than these
/// rows per second loses its time elsewhere; one that needs more rows per post than it has must batch.
/// </summary>
internal static class PostgresLimits
{
    private const string CreateTable = """
        CREATE TABLE events (
            stream_id   text        NOT NULL,
            version     bigint      NOT NULL,
            event_id    uuid        NOT NULL UNIQUE,
            event_type  text        NOT NULL,
            data        jsonb       NOT NULL,
            metadata    jsonb       NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (stream_id, version)
        )
        """;

    private const string InsertOne = """
        INSERT INTO events (stream_id, version, event_id, event_type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)
        """;

    private const string InsertMany = """
        INSERT INTO events (stream_id, version, event_id, event_type, data, metadata)
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])
        """;

    // About the size of a post's creation event and its metadata as the host writes them.
    private static readonly string s_data = $$"""{"postId":"01JZ0000000000000000000000","author":"author_1","text":"{{new string('x', 140)}}"}""";
    private static readonly string s_metadata = """{"correlationId":"0f8fad5b-d9cb-469f-a165-70867728950e","user":"author_1"}""";

    /// <summary>The server's settings that decide what a commit costs.</summary>
    public static async Task<string> SettingsAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var settings = new List<string>();
        foreach (var name in new[] { "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "commit_delay", "max_connections" })
        {
            await using var show = new NpgsqlCommand($"SHOW {name}", connection);
            settings.Add($"{name}={await show.ExecuteScalarAsync(cancellationToken)}");
        }

        return string.Join(", ", settings);
    }

    /// <summary>Makes the database and its table; answers its connection string.</summary>
    public static async Task<string> CreateAsync(PostgresServer server, CancellationToken cancellationToken)
    {
        var connectionString = await server.CreateDatabaseAsync("limits");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand(CreateTable, connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return connectionString;
    }

    /// <summary>
    /// Inserts for <paramref name="duration"/> from <paramref name="connections"/> connections at once, each
    /// transaction <paramref name="rowsPerTransaction"/> rows of new streams (one row alone as a plain INSERT, several
    /// as one INSERT … SELECT FROM unnest).
    /// </summary>
    public static async Task<InsertLimit> MeasureAsync(
        string connectionString, string pattern, int connections, int rowsPerTransaction, TimeSpan duration, CancellationToken cancellationToken)
    {
        var commits = new Latencies[connections];
        var transactions = new long[connections];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            commits[c] = new Latencies();
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var insert = Command(connection, rowsPerTransaction);
            await insert.PrepareAsync(cancellationToken);
            while (watch.Elapsed < duration)
            {
                Fill(insert, rowsPerTransaction);
                var start = Stopwatch.GetTimestamp();
                await insert.ExecuteNonQueryAsync(cancellationToken);
                commits[c].Record(start, Stopwatch.GetTimestamp());
                transactions[c]++;
            }
        }));

        var elapsed = watch.Elapsed;
        var all = new Latencies();
        foreach (var latencies in commits)
        {
            all.Add(latencies);
        }

        return new InsertLimit(pattern, transactions.Sum() * rowsPerTransaction, transactions.Sum(), elapsed, all.Percentiles);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, int rows)
    {
        var array = rows > 1 ? NpgsqlDbType.Array : 0;
        var command = new NpgsqlCommand(rows > 1 ? InsertMany : InsertOne, connection);
        foreach (var type in new[] { NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.Jsonb, NpgsqlDbType.Jsonb })
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = array | type });
        }

        return command;
    }

    // New streams with time-ordered ids, as posts are: each row is version 1 of a stream of its own.
    private static void Fill(NpgsqlCommand command, int rows)
    {
        var streams = new string[rows];
        var ids = new Guid[rows];
        for (var i = 0; i < rows; i++)
        {
            ids[i] = Guid.CreateVersion7();
            streams[i] = $"post-{ids[i]:N}";
        }

        var p = command.Parameters;
        if (rows == 1)
        {
            (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value, p[5].Value) = (streams[0], 1L, ids[0], "V1.PostCreated", s_data, s_metadata);
            return;
        }

        p[0].Value = streams;
        p[1].Value = Enumerable.Repeat(1L, rows).ToArray();
        p[2].Value = ids;
        p[3].Value = Enumerable.Repeat("V1.PostCreated", rows).ToArray();
        p[4].Value = Enumerable.Repeat(s_data, rows).ToArray();
        p[5].Value = Enumerable.Repeat(s_metadata, rows).ToArray();
    }
}
