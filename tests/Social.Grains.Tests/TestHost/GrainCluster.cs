using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using Social.Abstractions.EventStore;
using Social.Abstractions.Posts;
using Social.Abstractions.Users;
using Social.Domain.Ids;
using Social.Grains.EventSourcing;
using Social.Infrastructure.EventStore;

namespace Social.Grains.Tests.TestHost;

/// <summary>
/// An in-process Orleans cluster running the real grains over the PostgreSQL event store, wired as the host wires
/// them: the CustomStorage log-consistency provider, <see cref="PostgresEventStore"/> and the system clock.
/// Membership is the test cluster's own in-memory table, so two of these over one database do not know each
/// other: each can hold an activation of the same grain, as two instances can for a moment in production.
/// </summary>
public sealed class GrainCluster : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    private GrainCluster(InProcessTestCluster cluster, NpgsqlDataSource dataSource)
    {
        Cluster = cluster;
        _dataSource = dataSource;
    }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public static async Task<GrainCluster> StartAsync(string connectionString, short silos = 1)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresEventStore(dataSource);
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = Environment.GetEnvironmentVariable("ZZ_LOG") is not null;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddCustomStorageBasedLogConsistencyProvider(LogConsistency.ProviderName);
            silo.Services.AddSingleton<IEventStore>(Environment.GetEnvironmentVariable("ZZ_EXPERIMENT") is null ? store : new ZzTranslatingStore(store));
            silo.Services.AddSingleton(TimeProvider.System);
        });

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            await dataSource.DisposeAsync();
            throw;
        }

        return new GrainCluster(cluster, dataSource);
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
            await _dataSource.DisposeAsync();
        }
    }
}
