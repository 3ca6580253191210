using Social.Grains.Tests.TestHost;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.EventSourcing;

/// <summary>
/// How often the grains go to the store: an activation reads its stream once, and a command appends once
/// (Orleans's own write-back of the confirmed batch finds it stored and does not append it again).
/// </summary>
public sealed class StoreCallsTests(StoresFixture stores) : IAsyncLifetime
{
    private EventStoreDatabase? _database;
    private GrainCluster? _cluster;
    private CountingEventStore? _counter;

    private GrainCluster Cluster => _cluster!;

    private CountingEventStore Counter => _counter!;

    public async ValueTask InitializeAsync()
    {
        _database = await EventStoreDatabase.CreateAsync(stores.Postgres);
        _cluster = await GrainCluster.StartAsync(_database.ConnectionString, stores.Redis.ConnectionString, decorate: store => _counter = new CountingEventStore(store));
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

    [Fact]
    public async Task Commands_WithoutContention_AppendOncePerCommand()
    {
        var users = await Cluster.RegisterAsync(2);
        var post = Ids.NewPost();

        await Cluster.Post(post).CreateAsync(users[0], "Counted");
        await Cluster.Post(post).LikeAsync(users[1]);
        await Cluster.Post(post).AddCommentAsync(Ids.NewComment(), users[1], "Counted too");
        await Cluster.User(users[0]).UpdateProfileAsync(null, "Counted bio");

        Assert.Equal(3, Counter.AppendsTo(post.StreamId));
        Assert.Equal(2, Counter.AppendsTo(users[0].StreamId));
    }

    [Fact]
    public async Task Activation_OfExistingGrain_ReadsItsStreamOnce()
    {
        const int Activations = 10;
        var user = (await Cluster.RegisterAsync(1))[0];
        var reads = new List<int>();
        for (var i = 0; i < Activations; i++)
        {
            await Cluster.DeactivateAsync(Cluster.User(user));
            var before = Counter.ReadsOf(user.StreamId);
            await Cluster.User(user).GetAsync();
            reads.Add(Counter.ReadsOf(user.StreamId) - before);
        }

        Assert.True(reads.All(r => r == 1), $"Reads of the stream per activation: {string.Join(", ", reads)}.");
    }
}
