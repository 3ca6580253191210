using Social.Abstractions.EventStore;
using Social.Infrastructure.ReadModels;
using Social.Infrastructure.SignIn;
using Social.Infrastructure.Tests.ReadModels;
using Social.Testing;
using StackExchange.Redis;
using Xunit;

namespace Social.Infrastructure.Tests.SignIn;

/// <summary>The per-handle count of wrong passwords: a sliding window in Redis, strict under concurrency.</summary>
public sealed class RedisSignInFailuresTests(StoresFixture stores) : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private ReadModelWorld? _world;
    private RedisSignInFailures? _failures;

    private ReadModelWorld World => _world!;

    private RedisSignInFailures Failures => _failures!;

    public async ValueTask InitializeAsync()
    {
        _world = await ReadModelWorld.ConnectAsync(stores.Redis.ConnectionString);
        _failures = new RedisSignInFailures(World.Redis);
    }

    public async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryBeginAsync_BelowTheLimitGoesAhead_AtItAnswersTheWaitUntilTheOldestLeavesTheWindow()
    {
        var user = World.User("guessed");
        for (var i = 0; i < 10; i++)
        {
            Assert.Null(await Failures.TryBeginAsync(user, $"attempt {i}", 10, Window));
        }

        var wait = await Failures.TryBeginAsync(user, "attempt 10", 10, Window);

        Assert.NotNull(wait);
        Assert.InRange(wait.Value, Window - TimeSpan.FromSeconds(30), Window);
        Assert.Equal(10, await World.Db.SortedSetLengthAsync(RedisKeys.SignInFailures(user)));
        var expiry = await World.Db.KeyTimeToLiveAsync(RedisKeys.SignInFailures(user));
        Assert.True(expiry is { } ttl && ttl <= Window, $"the count outlives its window: {expiry}");
    }

    [Fact]
    public async Task ForgetAsync_TakesAnAttemptBack()
    {
        var user = World.User("right");
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await Failures.TryBeginAsync(user, $"attempt {i}", 3, Window));
        }

        await Failures.ForgetAsync(user, "attempt 1");

        Assert.Null(await Failures.TryBeginAsync(user, "attempt 3", 3, Window));
        Assert.NotNull(await Failures.TryBeginAsync(user, "attempt 4", 3, Window));
    }

    [Fact]
    public async Task TryBeginAsync_SlidingWindow_EachFailureCountsForOneWindowAfterIt()
    {
        var user = World.User("sliding");
        var window = TimeSpan.FromMilliseconds(1500);
        Assert.Null(await Failures.TryBeginAsync(user, "first", 2, window));
        await Task.Delay(TimeSpan.FromMilliseconds(700), TestContext.Current.CancellationToken);
        Assert.Null(await Failures.TryBeginAsync(user, "second", 2, window));

        var wait = await Failures.TryBeginAsync(user, "third", 2, window);

        // Until the first failure leaves the window, not a whole window from now.
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(900));
        await Task.Delay(wait.Value + TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);
        Assert.Null(await Failures.TryBeginAsync(user, "third", 2, window));
        Assert.NotNull(await Failures.TryBeginAsync(user, "fourth", 2, window));
    }

    [Fact]
    public async Task TryBeginAsync_ManyConcurrentAttempts_ExactlyTheLimitGoAhead()
    {
        var user = World.User("burst");

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Failures.TryBeginAsync(user, $"attempt {i}", 10, Window)));

        Assert.Equal(10, answers.Count(wait => wait is null));
    }

    [Fact]
    public async Task TryBeginAsync_HandlesAreCountedApart()
    {
        var (locked, other) = (World.User("locked"), World.User("other"));
        Assert.Null(await Failures.TryBeginAsync(locked, "attempt", 1, Window));
        Assert.NotNull(await Failures.TryBeginAsync(locked, "again", 1, Window));

        Assert.Null(await Failures.TryBeginAsync(other, "attempt", 1, Window));
    }

    [Fact]
    public async Task TryBeginAsync_RedisDown_ThrowsStoreUnavailable()
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{FreePort()}");
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 500;
        options.SyncTimeout = options.AsyncTimeout = 1000;
        await using var unreachable = await ConnectionMultiplexer.ConnectAsync(options);

        var e = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            new RedisSignInFailures(unreachable).TryBeginAsync(World.User("down"), "attempt", 10, Window));

        Assert.Equal("Redis", e.Store);
    }

    // A port nothing listens on: taken from the system, then given back.
    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
