using System.Diagnostics;
using Social.Abstractions.ReadModels;
using Social.Domain.Ids;
using Social.Grains.Tests.TestHost;
using Social.Testing;
using StackExchange.Redis;
using Xunit;

namespace Social.Grains.Tests.Projections;

/// <summary>A Redis server of the class's own, which its tests empty.</summary>
public sealed class RebuildFixture(StoresFixture stores) : ProjectionFixture(stores)
{
    protected override bool OwnRedis => true;
}

/// <summary>
/// The read models are a cache of the event store: with Redis emptied, <see cref="IRebuildGrain"/> replays the store
/// into them until every list and count is as it was, while writes go on.
/// </summary>
public sealed class RebuildTests(RebuildFixture fixture) : IClassFixture<RebuildFixture>
{
    private const int BulkKeys = 100_000;
    private static readonly TimeSpan _rebuildTimeout = TimeSpan.FromSeconds(30);

    private ProjectionCluster Cluster => fixture.Cluster;

    private IReadModelQueries Queries => Cluster.Queries;

    [Fact]
    public async Task Rebuild_AfterRedisFlushed_EveryTimelineListAndCountAsBefore()
    {
        var output = TestContext.Current.TestOutputHelper;
        var users = await WriteHistoryAsync(12, TestContext.Current.CancellationToken);
        var model = await StoreModel.AssertEventuallyAsync(fixture.Database, Queries, users);
        var before = await SnapshotAsync(users);

        await FlushAllAsync();
        Assert.Empty(await Queries.HomeIdsAsync(users[0]));
        Assert.Equal(new UserCounts(0, 0), await Queries.ReadCountsAsync(users[0]));

        var took = await RebuildAsync();
        output?.WriteLine($"Rebuilt {model.EventCount} events in {took.TotalMilliseconds:0} ms.");

        Assert.Equal(before, await SnapshotAsync(users));
        await model.AssertReadModelsAsync(Queries, users);
    }

    [Fact]
    public async Task Rebuild_WritesGoOnMeanwhile_ReadModelsEndUpWithEveryWrite()
    {
        var output = TestContext.Current.TestOutputHelper;
        var users = await WriteHistoryAsync(10, TestContext.Current.CancellationToken);
        await StoreModel.AssertEventuallyAsync(fixture.Database, Queries, users);
        await FlushAllAsync();

        // The writers start together with the rebuild and stop once it has completed.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var newcomers = await Cluster.RegisterAsync(4);
        var writers = Task.Run(() => WriteWhileRunningAsync(users, newcomers, stop.Token), TestContext.Current.CancellationToken);
        int written;
        try
        {
            var took = await RebuildAsync();
            output?.WriteLine($"Rebuild took {took.TotalMilliseconds:0} ms with writes going on.");
        }
        finally
        {
            await stop.CancelAsync();
            written = await writers;
        }

        output?.WriteLine($"{written} writes were made while the rebuild ran.");
        Assert.True(written > 0, "No write was made while the rebuild ran: nothing was tested.");
        await StoreModel.AssertEventuallyAsync(fixture.Database, Queries, [.. users, .. newcomers]);
    }

    [Fact]
    public async Task Rebuild_WritesGoOnWhileALargeReadModelIsDropped_ReadModelsEndUpWithEveryWrite()
    {
        var output = TestContext.Current.TestOutputHelper;
        var users = await WriteHistoryAsync(10, TestContext.Current.CancellationToken);
        await StoreModel.AssertEventuallyAsync(fixture.Database, Queries, users);
        // Keys that stand in for the read models of many other users: dropping them all takes a while, as in production.
        await Cluster.Redis.ScriptEvaluateAsync(
            "for i = 1, tonumber(ARGV[1]) do redis.call('HSET', 's:user:bulk' .. i, 'displayName', 'bulk') end", values: [BulkKeys]);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var newcomers = await Cluster.RegisterAsync(4);
        var writers = Task.Run(() => WriteWhileRunningAsync(users, newcomers, stop.Token), TestContext.Current.CancellationToken);
        int written;
        try
        {
            var took = await RebuildAsync();
            output?.WriteLine($"Rebuild over {BulkKeys} other keys took {took.TotalMilliseconds:0} ms with writes going on.");
        }
        finally
        {
            await stop.CancelAsync();
            written = await writers;
        }

        output?.WriteLine($"{written} writes were made while the rebuild ran.");
        await StoreModel.AssertEventuallyAsync(fixture.Database, Queries, [.. users, .. newcomers]);
    }

    /// <summary>Users who follow one another, post, comment, like, delete and unfollow; returns the users.</summary>
    private async Task<UserId[]> WriteHistoryAsync(int count, CancellationToken cancellationToken)
    {
        var users = await Cluster.RegisterAsync(count);
        for (var i = 0; i < count; i++)
        {
            foreach (var step in new[] { 1, 2, 5 })
            {
                await Cluster.User(users[i]).FollowAsync(users[(i + step) % count]);
            }
        }

        var posts = new List<(PostId Id, UserId Author)>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var author in users)
            {
                posts.Add((await Cluster.PostAsync(author, $"Round {round} by {author}"), author));
            }
        }

        for (var i = 0; i < posts.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (post, author) = posts[i];
            var reader = users[(i + 1) % count];
            if (i % 2 == 0)
            {
                await Cluster.Post(post).LikeAsync(reader);
            }

            if (i % 3 == 0)
            {
                await Cluster.Post(post).AddCommentAsync(Ids.NewComment(), reader, "Well said");
                await Cluster.Post(post).AddCommentAsync(Ids.NewComment(), author, "Thanks");
            }

            if (i % 7 == 0)
            {
                await Cluster.Post(post).DeleteAsync(author);
            }
        }

        await Cluster.User(users[0]).UnfollowAsync(users[1]);
        await Cluster.User(users[3]).UnfollowAsync(users[5]);
        await Cluster.User(users[2]).FollowAsync(users[0]);
        return users;
    }

    /// <summary>Posts, follows, likes and comments in a loop until stopped; returns how many writes it made.</summary>
    private async Task<int> WriteWhileRunningAsync(UserId[] users, UserId[] newcomers, CancellationToken stop)
    {
        var written = 0;
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var author = users[i % users.Length];
            var post = await Cluster.PostAsync(author, $"Written during the rebuild {i}");
            await Cluster.Post(post).LikeAsync(users[(i + 3) % users.Length]);
            await Cluster.Post(post).AddCommentAsync(Ids.NewComment(), newcomers[i % newcomers.Length], "Fresh");
            await Cluster.User(newcomers[i % newcomers.Length]).FollowAsync(author);
            written += 4;
            if (i % 5 == 4)
            {
                await Cluster.User(newcomers[i % newcomers.Length]).UnfollowAsync(users[(i + 1) % users.Length]);
                written++;
            }
        }

        return written;
    }

    private async Task<TimeSpan> RebuildAsync()
    {
        var started = Stopwatch.StartNew();
        var status = await Cluster.Rebuild.StartAsync();
        Assert.Equal("running", status.State);
        await Eventually.AssertAsync(async () =>
        {
            status = await Cluster.Rebuild.GetStatusAsync();
            Assert.True(status.State is "completed" or "failed", $"the rebuild is {status.State}");
        }, _rebuildTimeout);
        Assert.True(status.State == "completed", $"The rebuild {status.State}: {status.Error}");
        Assert.True(status.EventsRead > 0 && status.StreamsReplayed > 0, status.ToString());
        return started.Elapsed;
    }

    /// <summary>Empties the class's own Redis server: every read model is gone.</summary>
    private async Task FlushAllAsync()
    {
        var redis = fixture.Redis ?? throw new InvalidOperationException("The class has no Redis server of its own.");
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true");
        await admin.GetServer("127.0.0.1", redis.Port).FlushAllDatabasesAsync();
    }

    /// <summary>Everything a client can read about these users, as lines of text, through <see cref="IReadModelQueries"/>.</summary>
    private async Task<List<string>> SnapshotAsync(IEnumerable<UserId> users)
    {
        var lines = new List<string>();
        foreach (var user in users)
        {
            foreach (var entry in await Queries.HomeAsync(user))
            {
                lines.Add($"home {user}: {entry.PostId} {entry.View}");
            }

            foreach (var entry in await Queries.UserPostsAsync(user))
            {
                lines.Add($"posts {user}: {entry.PostId} {entry.View}");
                foreach (var comment in await Queries.CommentsAsync(new PostId(entry.PostId)))
                {
                    lines.Add($"comments {entry.PostId}: {comment}");
                }
            }

            foreach (var direction in new[] { UserList.Followers, UserList.Following })
            {
                foreach (var summary in await Queries.FollowsAsync(user, direction))
                {
                    lines.Add($"{direction} {user}: {summary}");
                }
            }

            lines.Add($"counts {user}: {await Queries.ReadCountsAsync(user)}");
        }

        return lines;
    }
}
