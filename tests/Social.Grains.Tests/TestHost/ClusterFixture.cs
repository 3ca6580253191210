using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.TestHost;

/// <summary>One database and one single-silo cluster shared by the tests of a class; each test uses fresh ids.</summary>
public sealed class ClusterFixture(StoresFixture stores) : IAsyncLifetime
{
    private EventStoreDatabase? _database;
    private GrainCluster? _cluster;

    public EventStoreDatabase Database => _database ?? throw new InvalidOperationException("not started");

    public GrainCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        _database = await EventStoreDatabase.CreateAsync(stores.Postgres);
        _cluster = await GrainCluster.StartAsync(_database.ConnectionString, stores.Redis.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
