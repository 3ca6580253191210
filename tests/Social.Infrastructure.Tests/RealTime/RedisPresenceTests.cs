using Microsoft.Extensions.Options;
using Social.Abstractions.RealTime;
using Social.Infrastructure.RealTime;
using Social.Infrastructure.Tests.ReadModels;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.RealTime;

public sealed class RedisPresenceTests(StoresFixture stores) : IAsyncLifetime
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(90);
    private readonly ManualClock _clock = new();
    private ReadModelWorld? _world;
    private RedisPresence? _presence;

    private ReadModelWorld World => _world!;

    private RedisPresence Presence => _presence!;

    public async ValueTask InitializeAsync()
    {
        _world = await ReadModelWorld.ConnectAsync(stores.Redis.ConnectionString);
        _presence = new RedisPresence(World.Redis, Options.Create(new FeedOptions { PresenceLifetime = Lifetime }), _clock);
    }

    public async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
    }

    [Fact]
    public async Task ConnectedAsync_OnlyUsersMarkedWithinTheLifetime()
    {
        var (on, off, expired) = (World.User("on"), World.User("off"), World.User("expired"));
        await Presence.MarkConnectedAsync([expired]);
        _clock.Advance(Lifetime / 2);
        await Presence.MarkConnectedAsync([on]);
        _clock.Advance(Lifetime / 2 + TimeSpan.FromSeconds(1));

        Assert.Equal([on], await Presence.ConnectedAsync([on, off, expired]));
    }

    [Fact]
    public async Task MarkConnectedAsync_Renewal_KeepsAUserConnected()
    {
        var user = World.User("user");
        await Presence.MarkConnectedAsync([user]);
        _clock.Advance(Lifetime * 2 / 3);
        await Presence.MarkConnectedAsync([user]);
        _clock.Advance(Lifetime * 2 / 3);

        Assert.Equal([user], await Presence.ConnectedAsync([user]));
    }

    [Fact]
    public async Task ConnectedFollowersAsync_OnlyConnectedFollowersOfThatAuthor()
    {
        var author = await World.RegisterAsync("author");
        var (online, offline, stranger) = (await World.RegisterAsync("online"), await World.RegisterAsync("offline"), await World.RegisterAsync("stranger"));
        await World.FollowAsync(online, author);
        await World.FollowAsync(offline, author);
        await Presence.MarkConnectedAsync([online, stranger]);

        Assert.Equal([online], await Presence.ConnectedFollowersAsync(author));
    }

    [Fact]
    public async Task ForgetExpiredAsync_RemovesOnlyExpiredEntries()
    {
        var (kept, dropped) = (World.User("kept"), World.User("dropped"));
        await Presence.MarkConnectedAsync([dropped]);
        _clock.Advance(Lifetime + TimeSpan.FromSeconds(1));
        await Presence.MarkConnectedAsync([kept]);

        await Presence.ForgetExpiredAsync();

        var members = (await World.Db.SortedSetRangeByScoreAsync("presence:online")).Select(m => (string)m!).ToList();
        Assert.Contains(kept.Value, members);
        Assert.DoesNotContain(dropped.Value, members);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
