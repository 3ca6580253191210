using Social.Abstractions.ReadModels;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.TestHost;

/// <summary>
/// A database of its own and a <see cref="ProjectionCluster"/> over it, shared by the tests of a class; each test uses
/// fresh users and posts. The read models live in the assembly's shared Redis (keys are per user and post, so classes
/// do not meet), or in a Redis server of the class's own when its tests empty Redis.
/// </summary>
public abstract class ProjectionFixture(StoresFixture stores) : IAsyncLifetime
{
    private EventStoreDatabase? _database;
    private ProjectionCluster? _cluster;

    public EventStoreDatabase Database => _database ?? throw new InvalidOperationException("not started");

    public ProjectionCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    /// <summary>The class's own Redis server, when <see cref="OwnRedis"/>.</summary>
    public RedisServer? Redis { get; private set; }

    /// <summary>Whether the class's tests get a Redis server of their own, which they may empty.</summary>
    protected virtual bool OwnRedis => false;

    public async ValueTask InitializeAsync()
    {
        var database = EventStoreDatabase.CreateAsync(stores.Postgres);
        Redis = OwnRedis ? await RedisServer.StartAsync() : null;
        _database = await database;
        _cluster = await ProjectionCluster.StartAsync(
            _database.ConnectionString, (Redis ?? stores.Redis).ConnectionString, timelines: Configure, decorateStore: Decorate);
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

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }

    /// <summary>The class's changes to the default timeline options.</summary>
    protected virtual void Configure(TimelineOptions options)
    {
    }

    /// <summary>Wraps each silo's projection store, for a class that injects faults; the store itself unless overridden.</summary>
    protected virtual IProjectionStore Decorate(string silo, IProjectionStore store) => store;
}
