using Npgsql;
using Social.Abstractions.EventStore;
using Social.Infrastructure.EventStore;
using Social.Infrastructure.Migrations;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.TestHost;

/// <summary>
/// A fresh, migrated database, and the test's own view of its event store: what the grains wrote is read back
/// through <see cref="IEventStore"/> on a connection pool the silos do not share.
/// </summary>
public sealed class EventStoreDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    private EventStoreDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        _dataSource = NpgsqlDataSource.Create(connectionString);
        Store = new PostgresEventStore(_dataSource);
    }

    public string ConnectionString { get; }

    public IEventStore Store { get; }

    public static async Task<EventStoreDatabase> CreateAsync(PostgresServer server)
    {
        var connectionString = await server.CreateDatabaseAsync("grains");
        await SchemaMigrations.ApplyAsync(connectionString, TestContext.Current.CancellationToken);
        return new EventStoreDatabase(connectionString);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadAsync(string streamId) =>
        Store.ReadStreamAsync(streamId, 0, TestContext.Current.CancellationToken);

    /// <summary>The stored type names of a stream, in version order.</summary>
    public async Task<List<string>> TypesAsync(string streamId) => [.. (await ReadAsync(streamId)).Select(e => e.Type)];

    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var command = _dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
