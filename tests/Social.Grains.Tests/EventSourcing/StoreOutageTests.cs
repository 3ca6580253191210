using System.Diagnostics;
using Social.Abstractions.EventStore;
using Social.Grains.Tests.TestHost;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.EventSourcing;

/// <summary>
/// A store goes away under a running cluster (its own servers, stopped as a crash would) and comes back:
/// commands fail fast as "unavailable" and change nothing, and the same grains carry on once it is back.
/// </summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    // Generous against a loaded machine, far below Orleans's 30 s response timeout that a hanging call would hit.
    private static readonly TimeSpan _prompt = TimeSpan.FromSeconds(8);

    private PostgresServer? _postgres;
    private RedisServer? _redis;
    private EventStoreDatabase? _database;
    private GrainCluster? _cluster;

    private PostgresServer Postgres => _postgres!;

    private RedisServer Redis => _redis!;

    private EventStoreDatabase Database => _database!;

    private GrainCluster Cluster => _cluster!;

    public async ValueTask InitializeAsync()
    {
        var postgres = PostgresServer.StartAsync();
        var redis = RedisServer.StartAsync();
        _postgres = await postgres;
        _redis = await redis;
        _database = await EventStoreDatabase.CreateAsync(_postgres);
        _cluster = await GrainCluster.StartAsync(_database.ConnectionString, _redis.ConnectionString);
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

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task Commands_WhilePostgresIsDown_FailPromptlyAsUnavailableWriteNothingAndSucceedOnceItIsBack()
    {
        var users = await Cluster.RegisterAsync(2);
        var (author, reader) = (users[0], users[1]);
        var post = Ids.NewPost();
        await Cluster.Post(post).CreateAsync(author, "Before the outage");
        await Cluster.Post(post).LikeAsync(reader);
        var profileBefore = await Cluster.User(author).GetAsync();
        var postBefore = await Cluster.Post(post).GetAsync();

        await Postgres.StopAsync();

        await AssertUnavailableAsync(() => Cluster.User(author).UpdateProfileAsync("During the outage", "x"));
        await AssertUnavailableAsync(() => Cluster.User(author).FollowAsync(reader));
        await AssertUnavailableAsync(() => Cluster.Post(post).AddCommentAsync(Ids.NewComment(), reader, "During the outage"));
        await AssertUnavailableAsync(() => Cluster.Post(post).UnlikeAsync(reader));

        // Nothing was half-applied to the activations that stayed up.
        Assert.Equal(profileBefore, await Cluster.User(author).GetAsync());
        Assert.Equal(postBefore, await Cluster.Post(post).GetAsync());

        await Postgres.StartAgainAsync();

        Assert.Equal(["V1.UserRegistered"], await Database.TypesAsync(author.StreamId));
        Assert.Equal(["V1.PostCreated", "V1.PostLiked"], await Database.TypesAsync(post.StreamId));

        // The same activations accept the same commands, and append right after what was there.
        await Cluster.User(author).UpdateProfileAsync("After the outage", "x").WaitAsync(_prompt, TestContext.Current.CancellationToken);
        await Cluster.User(author).FollowAsync(reader);
        await Cluster.Post(post).AddCommentAsync(Ids.NewComment(), reader, "After the outage");
        await Cluster.Post(post).UnlikeAsync(reader);

        Assert.Equal([1L, 2, 3], (await Database.ReadAsync(author.StreamId)).Select(e => e.Version));
        Assert.Equal(
            ["V1.PostCreated", "V1.PostLiked", "V1.CommentAdded", "V1.PostUnliked"],
            await Database.TypesAsync(post.StreamId));
        var live = await Cluster.Post(post).GetAsync();
        await Cluster.DeactivateAsync(Cluster.Post(post));
        Assert.Equal(live, await Cluster.Post(post).GetAsync());
        Assert.Equal((1L, 0L), (live.Comments, live.Likes));
    }

    [Fact]
    public async Task Activation_WhilePostgresIsDown_FailsPromptlyAsUnavailableAndSucceedsOnceItIsBack()
    {
        var user = (await Cluster.RegisterAsync(1))[0];
        await Cluster.User(user).UpdateProfileAsync(null, "Kept in the store");
        await Cluster.DeactivateAsync(Cluster.User(user));
        var notYetCreated = Ids.NewPost();

        await Postgres.StopAsync();

        // A grain that must first read its stream: the activation fails, and the caller should hear why, at once.
        await AssertUnavailableAsync(Cluster.User(user).GetAsync);
        await AssertUnavailableAsync(() => Cluster.Post(notYetCreated).CreateAsync(user, "During the outage"));

        await Postgres.StartAgainAsync();

        var view = await Cluster.User(user).GetAsync().WaitAsync(_prompt, TestContext.Current.CancellationToken);
        Assert.Equal("Kept in the store", view.Bio);
        Assert.Empty(await Database.ReadAsync(notYetCreated.StreamId));
        await Cluster.Post(notYetCreated).CreateAsync(user, "After the outage").WaitAsync(_prompt, TestContext.Current.CancellationToken);
        Assert.Equal(["V1.PostCreated"], await Database.TypesAsync(notYetCreated.StreamId));
    }

    [Fact]
    public async Task UpdateProfileAsync_WhileRedisIsDown_EitherSucceedsOrWritesNothing()
    {
        var user = (await Cluster.RegisterAsync(1))[0];
        await Cluster.User(user).GetAsync();

        await Redis.StopAsync();
        try
        {
            // The write side does not need the read models: either the command succeeds, or it fails and writes
            // nothing. It must not commit the event and then report a failure.
            var error = await Record.ExceptionAsync(
                () => Cluster.User(user).UpdateProfileAsync("While Redis is down", null).WaitAsync(_prompt, TestContext.Current.CancellationToken));
            var stored = await Database.TypesAsync(user.StreamId);

            Assert.True(
                error is null || stored.Count == 1,
                $"The command failed with {error?.GetType().Name} after committing its event: {string.Join(", ", stored)}.");
        }
        finally
        {
            await Redis.StartAgainAsync();
        }
    }

    private static async Task AssertUnavailableAsync(Func<Task> command)
    {
        var elapsed = Stopwatch.StartNew();
        var error = await Record.ExceptionAsync(() => command().WaitAsync(TimeSpan.FromSeconds(40), TestContext.Current.CancellationToken));
        elapsed.Stop();

        Assert.NotNull(error);
        Assert.True(
            error is StoreUnavailableException && elapsed.Elapsed < _prompt,
            $"Expected {nameof(StoreUnavailableException)} within {_prompt.TotalSeconds}s; got {error.GetType().FullName} after {elapsed.Elapsed.TotalSeconds:0.0}s: {error.Message}");
    }
}
