using System.Net;
using System.Net.Sockets;
using Npgsql;
using Social.Infrastructure.Migrations;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.Migrations;

/// <summary>A fresh database on the shared server with every migration applied, and a data source for it.</summary>
public sealed class MigratedDatabase : IAsyncDisposable
{
    private MigratedDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<MigratedDatabase> CreateAsync(PostgresServer server, string prefix)
    {
        var connectionString = await server.CreateDatabaseAsync(prefix);
        await SchemaMigrations.ApplyAsync(connectionString, TestContext.Current.CancellationToken);
        return new MigratedDatabase(connectionString);
    }

    /// <summary>A data source for a loopback port on which nothing listens.</summary>
    public static NpgsqlDataSource ClosedPortDataSource()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        return NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = "postgres",
            Timeout = 3,
        }.ConnectionString);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public async Task<List<T>> ColumnAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var values = new List<T>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
