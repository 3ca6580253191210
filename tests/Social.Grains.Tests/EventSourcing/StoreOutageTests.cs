using System.Diagnostics;
using Social.Abstractions.EventStore;
using Social.Grains.Tests.TestHost;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.EventSourcing;

/// <summary>
/// PostgreSQL goes away under a running cluster (its own server, stopped as a crash would) and comes back:
/// commands fail fast as "unavailable" and change nothing, and the same grains carry on once it is back.
/// </summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    // Generous against a loaded machine, far below Orleans's 30 s response timeout that a hanging call would hit.
    private static readonly TimeSpan _prompt = TimeSpan.FromSeconds(8);

    private PostgresServer? _server;
    private EventStoreDatabase? _database;
    private GrainCluster? _cluster;

    private PostgresServer Server => _server!;

    private EventStoreDatabase Database => _database!;

    private GrainCluster Cluster => _cluster!;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.StartAsync();
        _database = await EventStoreDatabase.CreateAsync(_server);
        _cluster = await GrainCluster.StartAsync(_database.ConnectionString);
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

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Commands_WhileStoreIsDown_FailPromptlyAsUnavailableWriteNothingAndSucceedOnceItIsBack()
    {
        var users = await Cluster.RegisterAsync(2);
        var (author, reader) = (users[0], users[1]);
        var post = Ids.NewPost();
        await Cluster.Post(post).CreateAsync(author, "Before the outage");
        await Cluster.Post(post).LikeAsync(reader);
        var profileBefore = await Cluster.User(author).GetAsync();
        var postBefore = await Cluster.Post(post).GetAsync();
        var notYetActive = Ids.NewPost();

        await Server.StopAsync();

        // Active grains: the append fails.
        await AssertUnavailableAsync(() => Cluster.User(author).UpdateProfileAsync("During the outage", "x"));
        await AssertUnavailableAsync(() => Cluster.User(author).FollowAsync(reader));
        await AssertUnavailableAsync(() => Cluster.Post(post).AddCommentAsync(Ids.NewComment(), reader, "During the outage"));
        await AssertUnavailableAsync(() => Cluster.Post(post).UnlikeAsync(reader));

        // A grain that must first read its stream: the activation fails, and the caller hears why.
        await AssertUnavailableAsync(() => Cluster.Post(notYetActive).CreateAsync(author, "During the outage"));

        // Nothing was half-applied to the activations that stayed up.
        Assert.Equal(profileBefore, await Cluster.User(author).GetAsync());
        Assert.Equal(postBefore, await Cluster.Post(post).GetAsync());

        await Server.StartAgainAsync();

        Assert.Equal(["V1.UserRegistered"], await Database.TypesAsync(author.StreamId));
        Assert.Equal(["V1.PostCreated", "V1.PostLiked"], await Database.TypesAsync(post.StreamId));
        Assert.Empty(await Database.ReadAsync(notYetActive.StreamId));

        // The same activations accept the same commands, and append right after what was there.
        await Cluster.User(author).UpdateProfileAsync("After the outage", "x").WaitAsync(_prompt, TestContext.Current.CancellationToken);
        await Cluster.User(author).FollowAsync(reader);
        await Cluster.Post(post).AddCommentAsync(Ids.NewComment(), reader, "After the outage");
        await Cluster.Post(post).UnlikeAsync(reader);
        await Cluster.Post(notYetActive).CreateAsync(author, "After the outage");

        Assert.Equal([1L, 2, 3], (await Database.ReadAsync(author.StreamId)).Select(e => e.Version));
        Assert.Equal(
            ["V1.PostCreated", "V1.PostLiked", "V1.CommentAdded", "V1.PostUnliked"],
            await Database.TypesAsync(post.StreamId));
        Assert.Equal(["V1.PostCreated"], await Database.TypesAsync(notYetActive.StreamId));

        var live = await Cluster.Post(post).GetAsync();
        await Cluster.DeactivateAsync(Cluster.Post(post));
        Assert.Equal(live, await Cluster.Post(post).GetAsync());
        Assert.Equal((1L, 0L), (live.Comments, live.Likes));
    }

    [Fact]
    public async Task Activation_WhileStoreIsDown_FailsPromptlyAndActivatesOnceItIsBack()
    {
        var user = (await Cluster.RegisterAsync(1))[0];
        await Cluster.User(user).UpdateProfileAsync(null, "Kept in the store");
        await Cluster.DeactivateAsync(Cluster.User(user));

        await Server.StopAsync();
        await AssertUnavailableAsync(() => Database.ReadAsync(user.StreamId));
        await AssertUnavailableAsync(() => Database.ReadAsync(user.StreamId));
        await AssertUnavailableAsync(Cluster.User(user).GetAsync);
        await Server.StartAgainAsync();

        var view = await Cluster.User(user).GetAsync().WaitAsync(_prompt, TestContext.Current.CancellationToken);
        Assert.Equal("Kept in the store", view.Bio);
    }

    private static async Task AssertUnavailableAsync(Func<Task> command)
    {
        var elapsed = Stopwatch.StartNew();
        var error = await Record.ExceptionAsync(() => command().WaitAsync(TimeSpan.FromSeconds(40), TestContext.Current.CancellationToken));
        elapsed.Stop();

        Assert.NotNull(error);
        Assert.True(error is StoreUnavailableException, elapsed.Elapsed + " " + error.ToString());
        Assert.True(elapsed.Elapsed < _prompt, $"The command took {elapsed.Elapsed.TotalSeconds:0.0}s to fail.");
    }
}
