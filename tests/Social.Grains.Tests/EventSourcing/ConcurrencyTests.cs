using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Grains.Tests.TestHost;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.EventSourcing;

/// <summary>
/// Writers that race on one stream: within one activation (calls queue up), and across two activations of the same
/// grain in two clusters that do not know each other, which is what a duplicate activation across instances
/// looks like. The store's expected-version check decides; nothing is lost, nothing is written twice.
/// </summary>
public sealed class ConcurrencyTests(StoresFixture stores) : IAsyncLifetime
{
    private EventStoreDatabase? _database;
    private GrainCluster? _first;
    private GrainCluster? _second;

    private EventStoreDatabase Database => _database!;

    private GrainCluster First => _first!;

    private GrainCluster Second => _second!;

    public async ValueTask InitializeAsync()
    {
        _database = await EventStoreDatabase.CreateAsync(stores.Postgres);
        var first = GrainCluster.StartAsync(_database.ConnectionString, stores.Redis.ConnectionString);
        var second = GrainCluster.StartAsync(_database.ConnectionString, stores.Redis.ConnectionString);
        _first = await first;
        _second = await second;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cluster in new[] { _first, _second })
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task RegisterAsync_ManyConcurrentCallsOnOneHandle_ExactlyOneSucceedsAndTheRestConflict()
    {
        var user = Ids.NewUser();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => OutcomeAsync(First.User(user).RegisterAsync($"Name {i}", Ids.PasswordHash))));

        var winner = Assert.Single(outcomes, o => o.Value is not null).Value!;
        Assert.All(outcomes.Where(o => o.Value is null), o => Assert.IsType<ConflictException>(o.Error));
        Assert.Equal(1, await RegistrationsAsync(user));
        Assert.Equal(winner, await First.User(user).GetAsync());
    }

    [Fact]
    public async Task RegisterAsync_SameHandleFromTwoIndependentClusters_ExactlyOneWinsAndOneEventIsStored()
    {
        var handles = Enumerable.Range(0, 5).Select(_ => Ids.NewUser()).ToList();

        // Both clusters have looked each handle up and found nothing before the race starts (the empty activations are
        // dropped again), so in each the registrations then race on an activation of its own.
        foreach (var user in handles)
        {
            Assert.False(await First.User(user).ExistsAsync());
            Assert.False(await Second.User(user).ExistsAsync());
        }

        var outcomes = await Task.WhenAll(handles.Select(async user =>
        {
            var calls = Enumerable.Range(0, 6).SelectMany(i => new[]
            {
                OutcomeAsync(First.User(user).RegisterAsync($"first {i}", Ids.PasswordHash)),
                OutcomeAsync(Second.User(user).RegisterAsync($"second {i}", Ids.PasswordHash)),
            });
            return (User: user, Outcomes: await Task.WhenAll(calls));
        }));

        foreach (var (user, results) in outcomes)
        {
            var winner = Assert.Single(results, o => o.Value is not null).Value!;
            Assert.All(results.Where(o => o.Value is null), o => Assert.IsType<ConflictException>(o.Error));
            Assert.Equal(1, await RegistrationsAsync(user));
            var stored = Assert.Single(await Database.ReadAsync(user.StreamId));
            Assert.Equal(winner.DisplayName, Field(stored.Data, "displayName"));

            // The activation that lost the race refreshed from the store and now agrees with the winner.
            Assert.Equal(winner, await First.User(user).GetAsync());
            Assert.Equal(winner, await Second.User(user).GetAsync());
        }
    }

    [Fact]
    public async Task PostGrain_StaleActivationInOtherCluster_RefreshesRedecidesAndSucceeds()
    {
        var users = await First.RegisterAsync(3);
        var post = Ids.NewPost();
        var comment = Ids.NewComment();
        await First.Post(post).CreateAsync(users[0], "Contended");
        await Second.Post(post).GetAsync();

        // The first cluster moves the stream on; the second cluster's activation still has version 1.
        await First.Post(post).LikeAsync(users[1]);
        await First.Post(post).AddCommentAsync(comment, users[1], "From the first cluster");

        await Second.Post(post).LikeAsync(users[2]);

        var seen = await Second.Post(post).GetAsync();
        Assert.Equal((1, 2), (seen.Comments, seen.Likes));
        Assert.Equal(
            ["V1.PostCreated", "V1.PostLiked", "V1.CommentAdded", "V1.PostLiked"],
            await Database.TypesAsync(post.StreamId));
        Assert.Equal([1L, 2, 3, 4], (await Database.ReadAsync(post.StreamId)).Select(e => e.Version));

        // Re-deciding on the fresh state: a like that is already there is a no-op, a taken comment id a conflict.
        await First.Post(post).LikeAsync(users[1]);
        await Assert.ThrowsAsync<ConflictException>(() => First.Post(post).AddCommentAsync(comment, users[2], "Other text"));
        await First.Post(post).LikeAsync(users[2]);
        Assert.Equal(4, (await Database.ReadAsync(post.StreamId)).Count);
    }

    [Fact]
    public async Task UserGrain_StreamAdvancedByOtherClusterAfterRegistration_RefreshesToCurrentStateAndSucceeds()
    {
        // Several users, because whether an activation keeps a leftover from its first read depends on timing.
        var users = Enumerable.Range(0, 10).Select(_ => Ids.NewUser()).ToList();
        await Task.WhenAll(users.Select(u => First.User(u).RegisterAsync("Registered in first", Ids.PasswordHash)));
        await Task.WhenAll(users.Select(u => Second.User(u).UpdateProfileAsync(null, "Bio from second")));

        var outcomes = await Task.WhenAll(users.Select(u => OutcomeAsync(First.User(u).UpdateProfileAsync("Name from first", null))));

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.ToString()));
        foreach (var user in users)
        {
            var view = await First.User(user).GetAsync();
            Assert.Equal(("Name from first", "Bio from second"), (view.DisplayName, view.Bio));
            Assert.Equal([1L, 2, 3], (await Database.ReadAsync(user.StreamId)).Select(e => e.Version));
        }
    }

    [Fact]
    public async Task PostGrain_DeletedByOtherCluster_StaleActivationRefreshesAndThrowsNotFound()
    {
        var users = await First.RegisterAsync(2);
        var post = Ids.NewPost();
        await First.Post(post).CreateAsync(users[0], "About to go");
        await Second.Post(post).GetAsync();

        await First.Post(post).DeleteAsync(users[0]);

        await Assert.ThrowsAsync<NotFoundException>(() => Second.Post(post).LikeAsync(users[1]));
        await Assert.ThrowsAsync<NotFoundException>(Second.Post(post).GetAsync);
        Assert.Equal(["V1.PostCreated", "V1.PostDeleted"], await Database.TypesAsync(post.StreamId));
    }

    [Fact]
    public async Task PostGrain_ConcurrentLikesAndCommentsFromTwoClusters_LoseNoEventAndRepeatNoVersion()
    {
        const int PerCluster = 12;
        var users = await First.RegisterAsync(2 * PerCluster);
        var post = Ids.NewPost();
        await First.Post(post).CreateAsync(users[0], "Popular");
        await Second.Post(post).GetAsync();

        var commands = users.Select((user, i) => (User: user, Comment: Ids.NewComment(), Cluster: i % 2 == 0 ? First : Second)).ToList();
        var likes = commands.Select(c => (c.User, Outcome: OutcomeAsync(c.Cluster.Post(post).LikeAsync(c.User)))).ToList();
        var comments = commands.Select(c => (c.Comment, Outcome: OutcomeAsync((Task)c.Cluster.Post(post).AddCommentAsync(c.Comment, c.User, "Hi " + c.User)))).ToList();
        await Task.WhenAll(likes.Select(l => l.Outcome).Concat(comments.Select(c => c.Outcome)));

        // A command that ran out of retries against the other activation fails as a conflict and writes nothing.
        var outcomes = likes.Select(l => l.Outcome.Result).Concat(comments.Select(c => c.Outcome.Result)).ToList();
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.IsType<ConflictException>(o.Error));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{outcomes.Count(o => !o.Succeeded)} of {outcomes.Count} commands ran out of retries against the other activation.");
        var events = await Database.ReadAsync(post.StreamId);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(
            likes.Where(l => l.Outcome.Result.Succeeded).Select(l => l.User.Value).Order(),
            events.Where(e => e.Type == "V1.PostLiked").Select(e => Field(e.Data, "userId")).Order());
        Assert.Equal(
            comments.Where(c => c.Outcome.Result.Succeeded).Select(c => c.Comment.Value).Order(),
            events.Where(e => e.Type == "V1.CommentAdded").Select(e => Field(e.Data, "commentId")).Order());

        // The caller's retry of whatever failed lands; then every like and comment is stored exactly once.
        foreach (var (user, comment, cluster) in commands)
        {
            await cluster.Post(post).LikeAsync(user);
            await cluster.Post(post).AddCommentAsync(comment, user, "Hi " + user);
        }

        events = await Database.ReadAsync(post.StreamId);
        Assert.Equal(1 + (4 * PerCluster), events.Count);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
        await First.DeactivateAsync(First.Post(post));
        await Second.DeactivateAsync(Second.Post(post));
        Assert.Equal((2L * PerCluster, 2L * PerCluster), ((await First.Post(post).GetAsync()).Comments, (await Second.Post(post).GetAsync()).Likes));
    }

    private Task<long> RegistrationsAsync(UserId user) =>
        Database.CountAsync("SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = 'V1.UserRegistered'", user.StreamId);

    private static string Field(string json, string name) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty(name).GetString()!;

    private static async Task<Outcome<T>> OutcomeAsync<T>(Task<T> call)
    {
        try
        {
            return new Outcome<T>(await call, null);
        }
        catch (Exception e)
        {
            return new Outcome<T>(default, e);
        }
    }

    private static async Task<Outcome<bool>> OutcomeAsync(Task call)
    {
        try
        {
            await call;
            return new Outcome<bool>(true, null);
        }
        catch (Exception e)
        {
            return new Outcome<bool>(false, e);
        }
    }

    private sealed record Outcome<T>(T? Value, Exception? Error)
    {
        public bool Succeeded => Error is null;
    }
}
