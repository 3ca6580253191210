using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.Configuration;
using Orleans.TestingHost;
using Social.Infrastructure.Migrations;
using Social.Infrastructure.Postgres;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.OrleansProviders;

/// <summary>
/// An in-process Orleans cluster whose membership, grain state and reminders live in a fresh, migrated
/// PostgreSQL database, through Orleans's own ADO.NET providers and the project's migrations.
/// </summary>
/// <remarks>
/// Built with <see cref="TestClusterBuilder"/>: its silos can be told not to use the test membership table
/// (<see cref="TestClusterOptions.UseTestClusterMembership"/>); in Orleans.TestingHost 10.4.2 the newer
/// InProcessTestClusterBuilder always adds its in-memory membership table after the silo's own configuration.
/// </remarks>
public sealed class SqlBackedCluster : IAsyncDisposable
{
    /// <summary>The grain storage provider the test grains use.</summary>
    public const string StorageName = "grain-state";

    /// <summary>A second grain storage provider that deletes the row on clear.</summary>
    public const string DeletingStorageName = "grain-state-delete-on-clear";

    private const string ConnectionStringKey = "ConnectionStrings:Postgres";
    private const string ImmediateCleanupKey = "SocialTests:ImmediateDefunctSiloCleanup";

    private SqlBackedCluster(TestCluster cluster, SqlDatabase database)
    {
        Cluster = cluster;
        Database = database;
    }

    public TestCluster Cluster { get; }

    public SqlDatabase Database { get; }

    public IClusterClient Client => Cluster.Client;

    public string ClusterId => Cluster.Options.ClusterId;

    /// <param name="server">The server on which to create the cluster's database.</param>
    /// <param name="silos">How many silos to start.</param>
    /// <param name="immediateDefunctSiloCleanup">Remove dead silos' rows at once instead of keeping them for an hour.</param>
    public static async Task<SqlBackedCluster> StartAsync(PostgresServer server, short silos = 2, bool immediateDefunctSiloCleanup = false)
    {
        var database = await SqlDatabase.CreateAsync(server);
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConfigureFileLogging = false;
        builder.Properties[ConnectionStringKey] = database.ConnectionString;
        builder.Properties[ImmediateCleanupKey] = immediateDefunctSiloCleanup.ToString();
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            await database.DisposeAsync();
            throw;
        }

        return new SqlBackedCluster(cluster, database);
    }

    /// <summary>A service of the silo at <paramref name="index"/>, such as its grain storage or reminder table.</summary>
    public IServiceProvider SiloServices(int index) => Cluster.GetSiloServiceProvider(Cluster.Silos[index].SiloAddress);

    /// <summary>
    /// Membership as the host configures it (<c>UsePostgresMembership</c>), and beside it the grain storage and reminder
    /// providers of Orleans's ADO.NET packages on the same migrated schema, under names the test grains use.
    /// </summary>
    private static void ConfigureProviders(ISiloBuilder silo)
    {
        silo.Services.AddPostgresStores(silo.Configuration);
        silo.UsePostgresMembership();
        var connectionString = silo.Configuration[ConnectionStringKey]!;
        silo.AddAdoNetGrainStorage(StorageName, options =>
        {
            options.Invariant = PostgresOrleansProviders.Invariant;
            options.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage(DeletingStorageName, options =>
        {
            options.Invariant = PostgresOrleansProviders.Invariant;
            options.ConnectionString = connectionString;
            options.DeleteStateOnClear = true;
        });
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = PostgresOrleansProviders.Invariant;
            options.ConnectionString = connectionString;
        });
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            ConfigureProviders(siloBuilder);

            // Test timings: membership changes show up within seconds, and reminders may tick every second.
            var immediateCleanup = bool.Parse(siloBuilder.Configuration[ImmediateCleanupKey]!);
            siloBuilder.Configure<ClusterMembershipOptions>(options =>
            {
                options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
                if (immediateCleanup)
                {
                    options.MaxDefunctSiloEntries = 0;
                    options.DefunctSiloMinimumRetention = TimeSpan.Zero;
                }
            });
            siloBuilder.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseAdoNetClustering(options =>
            {
                options.Invariant = PostgresOrleansProviders.Invariant;
                options.ConnectionString = configuration[ConnectionStringKey]!;
            });
    }
}

/// <summary>A fresh database on the shared server with every migration applied.</summary>
public sealed class SqlDatabase : IAsyncDisposable
{
    private SqlDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<SqlDatabase> CreateAsync(PostgresServer server)
    {
        var connectionString = await server.CreateDatabaseAsync("orleans");
        await SchemaMigrations.ApplyAsync(connectionString, TestContext.Current.CancellationToken);
        return new SqlDatabase(connectionString);
    }

    public async Task<T> ScalarAsync<T>(string sql, params object?[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public async Task<int> ExecuteAsync(string sql, params object?[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, params object?[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, for at most <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting until {what}.");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
