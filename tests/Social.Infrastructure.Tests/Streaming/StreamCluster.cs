using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Streams;
using Orleans.TestingHost;
using Social.Abstractions.EventStore;
using Social.Infrastructure.EventStore;
using Social.Infrastructure.Migrations;
using Social.Infrastructure.Postgres;
using Social.Infrastructure.Tests.OrleansProviders;
using Social.Streaming;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.Streaming;

/// <summary>
/// Real silos (membership in PostgreSQL, as the host runs them) with the event-store stream provider and the probe
/// consumer, over one migrated database that outlives clusters, so that a test can stop one cluster and start another.
/// </summary>
public sealed class StreamCluster : IAsyncDisposable
{
    public const string ProviderName = "events";
    public const string ProbeNamespace = "probe";
    public const int QueueCount = 8;

    private const string ConnectionStringKey = "ConnectionStrings:Postgres";
    private const string ConsumerDelayKey = "SocialTests:ConsumerDelay";
    private const string CheckpointIntervalKey = "SocialTests:CheckpointInterval";
    private const string MaxDeliveryTimeKey = "SocialTests:MaxDeliveryTime";

    private StreamCluster(TestCluster cluster, StreamDatabase database)
    {
        Cluster = cluster;
        Database = database;
    }

    public TestCluster Cluster { get; }

    public StreamDatabase Database { get; }

    /// <param name="database">The database (see <see cref="StreamDatabase.CreateAsync"/>).</param>
    /// <param name="silos">How many silos.</param>
    /// <param name="consumerDelay">How long the probe consumer takes over each event.</param>
    /// <param name="checkpointInterval">The provider's checkpoint interval (1 s unless given).</param>
    /// <param name="maxDeliveryTime">How long the agent retries a failing consumer (forever unless given).</param>
    public static async Task<StreamCluster> StartAsync(
        StreamDatabase database,
        short silos = 2,
        TimeSpan consumerDelay = default,
        TimeSpan? checkpointInterval = null,
        TimeSpan? maxDeliveryTime = null)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConfigureFileLogging = false;
        builder.Properties[ConnectionStringKey] = database.ConnectionString;
        builder.Properties[ConsumerDelayKey] = consumerDelay.ToString("c", CultureInfo.InvariantCulture);
        builder.Properties[CheckpointIntervalKey] = (checkpointInterval ?? TimeSpan.FromSeconds(1)).ToString("c", CultureInfo.InvariantCulture);
        builder.Properties[MaxDeliveryTimeKey] = (maxDeliveryTime ?? Timeout.InfiniteTimeSpan).ToString("c", CultureInfo.InvariantCulture);
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
            throw;
        }

        var started = new StreamCluster(cluster, database);
        await started.WaitUntilQueuesSettledAsync();
        return started;
    }

    /// <summary>The queues each live silo is reading.</summary>
    internal IReadOnlyDictionary<SiloHandle, IReadOnlyList<EventStoreQueueStatus>> RunningQueues() =>
        Cluster.Silos.ToDictionary(silo => silo, silo => Factory(silo).RunningQueues);

    /// <summary>The live silo that reads the queue of <paramref name="storeStreamId"/>.</summary>
    public SiloHandle OwnerOf(string storeStreamId)
    {
        var partition = PartitionReader.PartitionOf(storeStreamId, QueueCount);
        return RunningQueues().Single(silo => silo.Value.Any(q => q.Partition == partition)).Key;
    }

    /// <summary>Waits until every queue runs on exactly one silo and listens for commits, as after start-up and failover.</summary>
    public Task WaitUntilQueuesSettledAsync(TimeSpan? timeout = null) =>
        SqlDatabase.WaitUntilAsync(
            () =>
            {
                var partitions = RunningQueues().Values.SelectMany(queues => queues.Where(q => q.Started)).Select(q => q.Partition).ToList();
                var listening = Cluster.Silos.All(silo => Factory(silo).IsListening);
                return Task.FromResult(listening && partitions.Count == QueueCount && partitions.Distinct().Count() == QueueCount);
            },
            timeout ?? TimeSpan.FromSeconds(30),
            "every queue runs on exactly one silo");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
        }
    }

    private EventStoreQueueAdapterFactory Factory(SiloHandle silo) =>
        (EventStoreQueueAdapterFactory)Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredKeyedService<IQueueAdapterFactory>(ProviderName);

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var connectionString = siloBuilder.Configuration[ConnectionStringKey]!;
            var consumerDelay = TimeSpan.Parse(siloBuilder.Configuration[ConsumerDelayKey]!, CultureInfo.InvariantCulture);
            var checkpointInterval = TimeSpan.Parse(siloBuilder.Configuration[CheckpointIntervalKey]!, CultureInfo.InvariantCulture);
            var maxDeliveryTime = TimeSpan.Parse(siloBuilder.Configuration[MaxDeliveryTimeKey]!, CultureInfo.InvariantCulture);
            siloBuilder.Services.AddPostgresStores(siloBuilder.Configuration);
            siloBuilder.UsePostgresMembership();
            // The production registration; no PubSubStore grain storage: subscriptions are implicit.
            siloBuilder.AddEventStoreStreams(ProviderName, options =>
            {
                options.ConnectionString = connectionString;
                options.QueueCount = QueueCount;
                options.CheckpointInterval = checkpointInterval;
                options.MaxDeliveryTime = maxDeliveryTime;
            });
            siloBuilder.Services.AddSingleton(services => new ProbeLog(services.GetRequiredService<NpgsqlDataSource>(), consumerDelay));

            // A killed silo is declared dead within seconds, so its queues move soon.
            siloBuilder.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
            });
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

/// <summary>A fresh migrated database with the probe table, and what the stream tests ask of it.</summary>
public sealed class StreamDatabase : IAsyncDisposable
{
    private StreamDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Store = new PostgresEventStore(DataSource);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public PostgresEventStore Store { get; }

    public static async Task<StreamDatabase> CreateAsync(PostgresServer server)
    {
        var connectionString = await server.CreateDatabaseAsync("streams");
        await SchemaMigrations.ApplyAsync(connectionString, TestContext.Current.CancellationToken);
        var database = new StreamDatabase(connectionString);
        await using var create = database.DataSource.CreateCommand(ProbeLog.CreateSql);
        await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return database;
    }

    /// <summary>A new probe stream id (<c>probe-…</c>).</summary>
    public static string NewStreamId(string name) => $"{StreamCluster.ProbeNamespace}-{name}-{Guid.NewGuid():N}";

    public static EventData NewEvent(int n = 0) => new(Guid.NewGuid(), "V1.Probe", $$"""{"n":{{n}}}""", EventMetadata.Empty);

    /// <summary>Appends <paramref name="count"/> events one append at a time, from version <paramref name="from"/>.</summary>
    public async Task AppendAsync(string streamId, int count, long from = 1)
    {
        for (var version = from; version < from + count; version++)
        {
            await Store.AppendAsync(streamId, version - 1, [NewEvent((int)version)], cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    /// <summary>What the probe consumers recorded: (stream, version) to (deliveries, first order).</summary>
    public async Task<Dictionary<(string Stream, long Version), (int Deliveries, long FirstOrder)>> ReceivedAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT stream_id, version, deliveries, first_order FROM probe_received");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var received = new Dictionary<(string, long), (int, long)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            received[(reader.GetString(0), reader.GetInt64(1))] = (reader.GetInt32(2), reader.GetInt64(3));
        }

        return received;
    }

    /// <summary>Every (stream, version) in the event store.</summary>
    public async Task<HashSet<(string Stream, long Version)>> StoredAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT stream_id, version FROM events");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var stored = new HashSet<(string, long)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            stored.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return stored;
    }

    public async Task<long> ReceivedCountAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT count(*) FROM probe_received");
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>
    /// Waits until the probes recorded every event of the store (at least <paramref name="atLeast"/> of them); on timeout,
    /// says which are missing and, given a cluster, where its queues stand.
    /// </summary>
    public async Task WaitUntilAllReceivedAsync(int atLeast, TimeSpan timeout, StreamCluster? cluster = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var received = await ReceivedAsync();
            var stored = await StoredAsync();
            if (received.Count >= atLeast && stored.All(received.ContainsKey))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                var missing = stored.Where(e => !received.ContainsKey(e)).Order().Take(20)
                    .Select(e => $"{e.Stream}@{e.Version} (queue {PartitionReader.PartitionOf(e.Stream, StreamCluster.QueueCount)})");
                var queues = cluster is null ? "" : string.Join("\n", cluster.RunningQueues().SelectMany(s => s.Value.Select(q => $"{s.Key.SiloAddress}: {q}")));
                throw new TimeoutException(
                    $"After {timeout.TotalSeconds:0}s the probes had {received.Count} of {stored.Count} events (expected at least {atLeast}). Missing: {string.Join(", ", missing)}\n{queues}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Asserts that each stream's events were first received in version order.</summary>
    public static void AssertStreamOrder(Dictionary<(string Stream, long Version), (int Deliveries, long FirstOrder)> received)
    {
        foreach (var stream in received.GroupBy(r => r.Key.Stream))
        {
            var byFirstArrival = stream.OrderBy(r => r.Value.FirstOrder).Select(r => r.Key.Version).ToList();
            Assert.Equal(byFirstArrival.Order(), byFirstArrival);
        }
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
