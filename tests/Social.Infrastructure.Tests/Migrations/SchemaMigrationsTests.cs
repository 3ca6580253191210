using Social.Infrastructure.Migrations;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.Migrations;

public sealed class SchemaMigrationsTests(StoresFixture stores)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void All_Versions_AreUniqueOrderedAndIncludeEventStoreAndIdempotency()
    {
        var versions = SchemaMigrations.All.Select(m => m.Version).ToList();

        Assert.Equal(versions.Distinct().Order(), versions);
        Assert.Contains(SchemaMigrations.All, m => m is { Version: 1, Name: "event_store" });
        Assert.Contains(SchemaMigrations.All, m => m is { Version: 6, Name: "idempotency" });
    }

    [Fact]
    public async Task ApplyAsync_FreshDatabase_CreatesEventStoreAndIdempotencyTables()
    {
        await using var database = await MigratedDatabase.CreateAsync(stores.Postgres, "migrate");

        var columns = await database.ColumnAsync<string>("""
            SELECT table_name || '.' || column_name || ':' || udt_name
            FROM information_schema.columns
            WHERE table_name IN ('events', 'idempotency_keys')
            """);

        Assert.Contains("events.transaction_id:xid8", columns);
        Assert.Contains("events.sequence:int8", columns);
        Assert.Contains("events.data:jsonb", columns);
        Assert.Contains("events.metadata:jsonb", columns);
        Assert.Contains("idempotency_keys.reserved_id:text", columns);
        var indexes = await database.ColumnAsync<string>("SELECT indexdef FROM pg_indexes WHERE tablename = 'events'");
        Assert.Contains(indexes, i => i.EndsWith("(transaction_id, sequence)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_AppliedTwice_SecondRunChangesNothing()
    {
        await using var database = await MigratedDatabase.CreateAsync(stores.Postgres, "migrate");
        const string Applied = "SELECT version || ' ' || name || ' ' || applied_at FROM schema_migrations ORDER BY version";
        var before = await database.ColumnAsync<string>(Applied);

        await SchemaMigrations.ApplyAsync(database.ConnectionString, Ct);

        Assert.Equal(SchemaMigrations.All.Count, before.Count);
        Assert.Equal(before, await database.ColumnAsync<string>(Applied));
    }

    [Fact]
    public async Task ApplyAsync_ConcurrentCallers_ApplyEachMigrationOnce()
    {
        var connectionString = await stores.Postgres.CreateDatabaseAsync("migrate");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => SchemaMigrations.ApplyAsync(connectionString, Ct))));

        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*), count(DISTINCT version) FROM schema_migrations");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        Assert.Equal(SchemaMigrations.All.Count, reader.GetInt64(0));
        Assert.Equal(SchemaMigrations.All.Count, reader.GetInt64(1));
    }
}
