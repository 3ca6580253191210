using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Domain.Ids;
using Social.Testing;
using StackExchange.Redis;
using Xunit;

namespace Social.Infrastructure.Tests.ReadModels;

/// <summary>What needs a Redis server of its own: dropping every read model, and Redis going away.</summary>
public sealed class RedisReadModelServerTests : IAsyncLifetime
{
    private RedisServer? _server;

    private RedisServer Server => _server ?? throw new InvalidOperationException("not initialized");

    public async ValueTask InitializeAsync() => _server = await RedisServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task DropAllAsync_ReadModelsAndOtherKeys_RemovesEveryPrefixedKeyAndNothingElse()
    {
        await using var world = await ReadModelWorld.ConnectAsync(Server.ConnectionString);
        var author = await world.RegisterAsync("author");
        var readers = Enumerable.Range(0, 1500).Select(i => world.User($"r{i}")).ToList();
        await world.FollowAsync(readers[0], author);
        await world.Store.SetMergedAtReadTimeAsync(author, true);
        var post = await world.PostAsync(author, [.. readers]);
        await world.CommentAsync(post, readers[0]);
        var db = world.Db;
        string[] others = ["other:key", "s", "xs:home:reader", "S:upper", "social", "{s:}tagged"];
        foreach (var key in others)
        {
            await db.StringSetAsync(key, "kept");
        }

        await db.SortedSetAddAsync("other:zset", "member", 0);
        Assert.True((long)await db.ExecuteAsync("DBSIZE") > 1500);

        await world.Store.DropAllAsync();

        var left = new List<string>();
        await foreach (var key in world.Redis.GetServers()[0].KeysAsync(pattern: "*"))
        {
            left.Add(key!);
        }

        Assert.Equal(others.Append("other:zset").Order(StringComparer.Ordinal), left.Order(StringComparer.Ordinal));
        Assert.All(others, key => Assert.Equal("kept", (string?)db.StringGet(key)));

        // The read models start again from nothing: version 1 is applied anew.
        Assert.Equal(new ProjectionCheckpoint(0, 0), await world.Store.GetCheckpointAsync(post.StreamId));
        Assert.Empty((await world.Queries.ReadHomeTimelineAsync(readers[1], new PageRequest(20))).Items);
        Assert.Equal(new UserCounts(0, 0), await world.Queries.ReadCountsAsync(author));
        Assert.True(await world.Store.ApplyPostCreatedAsync(post.StreamId, 1, new PostRecord(post, author, "again", post.CreatedAt, [], [])));
    }

    [Fact]
    public async Task DropAllAsync_NothingStored_DoesNothing()
    {
        await using var world = await ReadModelWorld.ConnectAsync(Server.ConnectionString);
        await world.Db.StringSetAsync("unrelated", "kept");

        await world.Store.DropAllAsync();

        Assert.Equal("kept", (string?)await world.Db.StringGetAsync("unrelated"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ProjectionStore_RedisDown_ThrowsStoreUnavailable(bool failFast)
    {
        await using var world = await ConnectedThenStoppedAsync(failFast);
        var store = world.Store;
        var user = world.User("user");
        var post = world.NextPostId();

        var calls = new Dictionary<string, Func<Task>>
        {
            ["GetCheckpointAsync"] = () => store.GetCheckpointAsync(user.StreamId),
            ["MarkSideEffectsDoneAsync"] = () => store.MarkSideEffectsDoneAsync(user.StreamId, 1),
            ["ApplyProfileAsync"] = () => store.ApplyProfileAsync(user.StreamId, 1, new ProfileRecord(user, "User")),
            ["ApplyFollowAsync"] = () => store.ApplyFollowAsync(user.StreamId, 1, user, world.User("other")),
            ["ApplyUnfollowAsync"] = () => store.ApplyUnfollowAsync(user.StreamId, 1, user, world.User("other")),
            ["ApplyPostCreatedAsync"] = () => store.ApplyPostCreatedAsync(post.StreamId, 1, new PostRecord(post, user, "text", post.CreatedAt, [], [])),
            ["ApplyPostDeletedAsync"] = () => store.ApplyPostDeletedAsync(post.StreamId, 1, post, user),
            ["ApplyCommentAddedAsync"] = () => store.ApplyCommentAddedAsync(post.StreamId, 1,
                new CommentRecord(CommentId.New(post.CreatedAt), post, user, "text", post.CreatedAt, [])),
            ["ApplyCommentDeletedAsync"] = () => store.ApplyCommentDeletedAsync(post.StreamId, 1, post, CommentId.New(post.CreatedAt)),
            ["ApplyLikesChangedAsync"] = () => store.ApplyLikesChangedAsync(post.StreamId, 1, post, 1),
            ["ApplyNothingAsync"] = () => store.ApplyNothingAsync(post.StreamId, 1),
            ["ReadFollowersInBatchesAsync"] = async () =>
            {
                await foreach (var unused in store.ReadFollowersInBatchesAsync(user, 1000))
                {
                    Assert.Fail("a batch from a stopped server");
                }
            },
            ["CountFollowersAsync"] = () => store.CountFollowersAsync(user),
            ["AddToHomeTimelinesAsync"] = () => store.AddToHomeTimelinesAsync([user, world.User("other")], post),
            ["RemoveFromHomeTimelinesAsync"] = () => store.RemoveFromHomeTimelinesAsync([user], post),
            ["MergeIntoHomeTimelineAsync"] = () => store.MergeIntoHomeTimelineAsync(user, world.User("other"), 200),
            ["RemoveAuthorFromHomeTimelineAsync"] = () => store.RemoveAuthorFromHomeTimelineAsync(user, world.User("other")),
            ["SetMergedAtReadTimeAsync"] = () => store.SetMergedAtReadTimeAsync(user, true),
        };

        await AssertAllUnavailableAsync(calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Queries_RedisDown_ThrowStoreUnavailable(bool failFast)
    {
        await using var world = await ConnectedThenStoppedAsync(failFast);
        var queries = world.Queries;
        var user = world.User("user");

        var calls = new Dictionary<string, Func<Task>>
        {
            ["ReadHomeTimelineAsync"] = () => queries.ReadHomeTimelineAsync(user, new PageRequest(20)),
            ["ReadUserTimelineAsync"] = () => queries.ReadUserTimelineAsync(user, new PageRequest(20)),
            ["ReadCommentsAsync"] = () => queries.ReadCommentsAsync(world.NextPostId(), new PageRequest(20)),
            ["ReadUserListAsync"] = () => queries.ReadUserListAsync(user, UserList.Followers, new PageRequest(20)),
            ["ReadCountsAsync"] = () => queries.ReadCountsAsync(user),
        };

        await AssertAllUnavailableAsync(calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DropAllAsync_RedisDown_ThrowsStoreUnavailable(bool failFast)
    {
        await using var world = await ConnectedThenStoppedAsync(failFast);

        await AssertAllUnavailableAsync(new Dictionary<string, Func<Task>> { ["DropAllAsync"] = world.Store.DropAllAsync });
    }

    [Fact]
    public async Task ProjectionStore_RedisBackAfterOutage_WorksAgain()
    {
        await using var world = await ConnectedThenStoppedAsync(failFast: true);
        var user = world.User("user");
        await Assert.ThrowsAsync<StoreUnavailableException>(() => world.Store.GetCheckpointAsync(user.StreamId));

        await Server.StartAgainAsync();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!world.Redis.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(await world.Store.ApplyProfileAsync(user.StreamId, 1, new ProfileRecord(user, "User")));
        Assert.Equal(new ProjectionCheckpoint(1, 1), await world.Store.GetCheckpointAsync(user.StreamId));
    }

    // Connected first, as a running host is, then the server dies. Short timeouts keep the queued (backlog) case quick.
    private async Task<ReadModelWorld> ConnectedThenStoppedAsync(bool failFast)
    {
        var configuration = ConfigurationOptions.Parse(Server.ConnectionString);
        configuration.AbortOnConnectFail = false;
        configuration.AsyncTimeout = 1000;
        configuration.SyncTimeout = 1000;
        configuration.ConnectTimeout = 1000;
        if (failFast)
        {
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
        }

        var world = await ReadModelWorld.ConnectAsync(configuration);
        Assert.True(world.Redis.IsConnected);
        // Load the scripts once, as a host that served requests before the outage has.
        await world.Store.GetCheckpointAsync(world.User("warm").StreamId);
        await Server.StopAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (world.Redis.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return world;
    }

    private static async Task AssertAllUnavailableAsync(Dictionary<string, Func<Task>> calls)
    {
        var outcomes = await Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                await call.Value();
                return $"{call.Key}: no exception";
            }
            catch (StoreUnavailableException e)
            {
                return e.Store == "Redis" ? null : $"{call.Key}: StoreUnavailableException for {e.Store}";
            }
            catch (Exception e)
            {
                return $"{call.Key}: {e.GetType().Name} instead of StoreUnavailableException: {e.Message}\n{e.StackTrace}";
            }
        }));

        var wrong = outcomes.OfType<string>().ToList();
        Assert.True(wrong.Count == 0, string.Join("\n\n", wrong));
    }
}
