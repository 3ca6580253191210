using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;
using Social.Abstractions.EventStore;
using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Domain.Ids;
using Social.Infrastructure.ReadModels;
using Social.Infrastructure.Postgres;
using Social.Streaming;
using Social.Testing;
using StackExchange.Redis;
using Xunit;

namespace Social.Grains.Tests.TestHost;

/// <summary>
/// Real silos with the whole read side, registered by the host's own extensions (<c>AddPostgresStores</c>,
/// <c>AddRedisReadModels</c>, <c>AddPostgresEventStreams</c>, <c>AddSocialGrains</c>): the PostgreSQL event store,
/// the event-store stream provider that carries committed events to the projection grains, the Redis projection store
/// and read-model queries, and <see cref="TimelineOptions"/>. As in the host, each silo's container makes its own PostgreSQL pool and Redis connection, so a killed silo takes its
/// connections with it. The test reads and pokes the read models through connections of its own.
/// </summary>
/// <remarks>
/// Membership is the in-process test cluster's table; a killed silo is declared dead within a few seconds, after which
/// its queues and grains move to the silos left.
/// </remarks>
public sealed class ProjectionCluster : IAsyncDisposable
{
    private static readonly int _queues = new EventStoreStreamOptions().QueueCount;

    private readonly ConnectionMultiplexer _redis;

    private ProjectionCluster(InProcessTestCluster cluster, ConnectionMultiplexer redis, TimelineOptions timelines)
    {
        Cluster = cluster;
        _redis = redis;
        Timelines = timelines;
        Queries = new RedisReadModelQueries(redis);
        Store = new RedisProjectionStore(redis, Options.Create(timelines));
    }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>The timeline options every silo runs with.</summary>
    public TimelineOptions Timelines { get; }

    /// <summary>The read-model queries, on the test's own Redis connection.</summary>
    public IReadModelQueries Queries { get; }

    /// <summary>The projections' store, on the test's own Redis connection, for a test that plays a projection's part.</summary>
    public IProjectionStore Store { get; }

    /// <summary>The Redis database of the read models, for a test that looks at a key itself.</summary>
    public IDatabase Redis => _redis.GetDatabase();

    /// <param name="connectionString">The migrated database of the event store.</param>
    /// <param name="redisConnectionString">The Redis of the read models.</param>
    /// <param name="silos">How many silos.</param>
    /// <param name="timelines">Changes to the default <see cref="TimelineOptions"/> (the host binds them from <c>Social:Timelines</c>).</param>
    /// <param name="decorateStore">Wraps each silo's projection store (given the silo's name), for a test that slows or watches it.</param>
    /// <param name="clientResponseTimeout">
    /// How long the test's client waits for an answer (Orleans's 30 s unless given). A request that a killed silo was
    /// answering gets none; the client, unlike a silo, learns of the death late, so a kill test shortens the wait and retries.
    /// </param>
    public static async Task<ProjectionCluster> StartAsync(
        string connectionString,
        string redisConnectionString,
        short silos = 1,
        Action<TimelineOptions>? timelines = null,
        Func<string, IProjectionStore, IProjectionStore>? decorateStore = null,
        TimeSpan? clientResponseTimeout = null)
    {
        var timelineOptions = new TimelineOptions();
        timelines?.Invoke(timelineOptions);
        var configuration = StoreConfiguration.For(connectionString, redisConnectionString);

        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((siloOptions, silo) =>
        {
            // As the host composes its silo, with the test's changes to the timeline options.
            silo.AddSocialGrains();
            silo.AddPostgresEventStreams(EventStreams.ProviderName);
            silo.Services.AddPostgresStores(configuration);
            silo.Services.AddRedisReadModels(configuration);
            silo.Services.Configure<TimelineOptions>(options => timelines?.Invoke(options));
            if (decorateStore is not null)
            {
                silo.Services.Decorate<IProjectionStore>((store, _) => decorateStore(siloOptions.SiloName, store));
            }

            // A killed silo is declared dead within seconds, so its queues and grains move soon.
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
            });
        });
        builder.ConfigureClient(client =>
        {
            client.Services.AddSocialExceptionSerialization();
            if (clientResponseTimeout is { } timeout)
            {
                client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = timeout);
            }
        });

        var cluster = builder.Build();
        var redis = await ConnectionMultiplexer.ConnectAsync(redisConnectionString + ",abortConnect=false");
        try
        {
            await cluster.DeployAsync();
            var started = new ProjectionCluster(cluster, redis, timelineOptions);
            await started.WaitUntilEveryQueueDeliversAsync();
            return started;
        }
        catch
        {
            await cluster.DisposeAsync();
            await redis.DisposeAsync();
            throw;
        }
    }

    public IUserGrain User(UserId id) => Client.GetGrain<IUserGrain>(id.Value);

    public IPostGrain Post(PostId id) => Client.GetGrain<IPostGrain>(id.Value);

    public IUserProjectionGrain UserProjection(UserId id) => Client.GetGrain<IUserProjectionGrain>(id.Value);

    public IPostProjectionGrain PostProjection(PostId id) => Client.GetGrain<IPostProjectionGrain>(id.Value);

    public IRebuildGrain Rebuild => Client.GetGrain<IRebuildGrain>(IRebuildGrain.Key);

    /// <summary>Registers users with a display name equal to their handle.</summary>
    public async Task<UserId[]> RegisterAsync(int count)
    {
        var users = Enumerable.Range(0, count).Select(_ => Ids.NewUser()).ToArray();
        await Task.WhenAll(users.Select(u => User(u).RegisterAsync(u.Value, Ids.PasswordHash)));
        return users;
    }

    /// <summary>Makes each of <paramref name="followers"/> follow <paramref name="followee"/>.</summary>
    public Task FollowAsync(IEnumerable<UserId> followers, UserId followee) =>
        Task.WhenAll(followers.Select(f => User(f).FollowAsync(followee)));

    /// <summary>Creates a post now and returns its id.</summary>
    public async Task<PostId> PostAsync(UserId author, string text)
    {
        var id = Ids.NewPost();
        await Post(id).CreateAsync(author, text);
        return id;
    }

    /// <summary>The silo that holds the grain's activation, if it has one.</summary>
    public async Task<InProcessSiloHandle?> SiloOfAsync(IAddressable grain)
    {
        var address = await Client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        return Cluster.Silos.FirstOrDefault(s => s.SiloAddress.Equals(address));
    }

    /// <summary>Kills the silo at once, as a crash would: it neither hands over its queues nor writes their checkpoints.</summary>
    public Task KillSiloAsync(InProcessSiloHandle silo) => Cluster.KillSiloAsync(silo);

    /// <summary>Waits until the user projection has applied the user's whole stream as the store has it now.</summary>
    public async Task WaitUntilProjectedAsync(IEventStore store, IEnumerable<UserId> users, TimeSpan? timeout = null)
    {
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            expected[user.StreamId] = (await store.ReadStreamAsync(user.StreamId)).Count;
        }

        await Eventually.AssertAsync(async () =>
        {
            foreach (var (stream, version) in expected)
            {
                var checkpoint = await Store.GetCheckpointAsync(stream);
                Assert.True(checkpoint.SideEffectsDone >= version, $"{stream}: applied {checkpoint.Applied}, done {checkpoint.SideEffectsDone}, stored {version}");
            }
        }, timeout);
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
            await _redis.DisposeAsync();
        }
    }

    /// <summary>
    /// Registers one user in each queue's partition and waits until every registration is projected: from then on every
    /// queue has a pulling agent that delivers (the test cluster's silos start before their agents settle).
    /// </summary>
    private async Task WaitUntilEveryQueueDeliversAsync()
    {
        var probes = new Dictionary<int, UserId>();
        while (probes.Count < _queues)
        {
            var user = Ids.NewUser();
            probes.TryAdd(PartitionReader.PartitionOf(user.StreamId, _queues), user);
        }

        await Task.WhenAll(probes.Values.Select(u => User(u).RegisterAsync(u.Value, Ids.PasswordHash)));
        await Eventually.AssertAsync(async () =>
        {
            foreach (var user in probes.Values)
            {
                Assert.Equal(1, (await Store.GetCheckpointAsync(user.StreamId)).Applied);
            }
        }, TimeSpan.FromSeconds(30));
    }
}
