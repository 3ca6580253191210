using Orleans.TestingHost;
using Social.Abstractions.EventStore;
using Social.Abstractions.Posts;
using Social.Abstractions.Users;
using Social.Domain.Ids;
using Social.Infrastructure.Postgres;
using Social.Infrastructure.ReadModels;
using Social.Testing;

namespace Social.Grains.Tests.TestHost;

/// <summary>
/// An in-process Orleans cluster running the real grains over the PostgreSQL event store, wired as the host wires
/// them (<c>AddPostgresStores</c>, <c>AddRedisReadModels</c>, <c>AddSocialGrains</c>): the PostgreSQL event store,
/// the Redis read-model queries and the system clock. No projection runs, so the counts only the read model knows stay 0.
/// Membership is the test cluster's own in-memory table, so two of these over one database do not know each
/// other: each can hold an activation of the same grain, as two instances can for a moment in production.
/// </summary>
public sealed class GrainCluster : IAsyncDisposable
{
    private GrainCluster(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    /// <param name="connectionString">The database of the event store.</param>
    /// <param name="redisConnectionString">The Redis that the read-model queries (user counts) read.</param>
    /// <param name="silos">How many silos to start.</param>
    /// <param name="decorate">Wraps each silo's event store, for a test that watches or delays its calls.</param>
    public static async Task<GrainCluster> StartAsync(
        string connectionString, string redisConnectionString, short silos = 1, Func<IEventStore, IEventStore>? decorate = null)
    {
        var configuration = StoreConfiguration.For(connectionString, redisConnectionString);
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSocialGrains();
            silo.Services.AddPostgresStores(configuration);
            silo.Services.AddRedisReadModels(configuration);
            if (decorate is not null)
            {
                silo.Services.Decorate<IEventStore>((store, _) => decorate(store));
            }
        });

        builder.ConfigureClient(client => client.Services.AddSocialExceptionSerialization());
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

        return new GrainCluster(cluster);
    }

    public IUserGrain User(UserId id) => Client.GetGrain<IUserGrain>(id.Value);

    public IPostGrain Post(PostId id) => Client.GetGrain<IPostGrain>(id.Value);

    /// <summary>Deactivates the grain's activation and waits until it is gone; the next call activates it afresh.</summary>
    public Task DeactivateAsync(IAddressable grain) => Cluster.DeactivateAsync(grain);

    /// <summary>Registers users with a display name equal to their handle.</summary>
    public async Task<UserId[]> RegisterAsync(int count)
    {
        var users = Enumerable.Range(0, count).Select(_ => Ids.NewUser()).ToArray();
        await Task.WhenAll(users.Select(u => User(u).RegisterAsync(u.Value, Ids.PasswordHash)));
        return users;
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
        }
    }
}
