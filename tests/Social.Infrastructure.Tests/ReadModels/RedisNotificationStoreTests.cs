using Social.Abstractions.Notifications;
using Social.Abstractions.ReadModels;
using Social.Domain.Ids;
using Social.Infrastructure.ReadModels;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.ReadModels;

/// <summary>Notifications in Redis: once-ever causes, late arrivals for ?since=, caps and deleted recipients.</summary>
public sealed class RedisNotificationStoreTests(StoresFixture stores) : IAsyncLifetime
{
    private ReadModelWorld? _world;
    private RedisNotificationStore? _store;

    private ReadModelWorld World => _world ?? throw new InvalidOperationException("not initialized");

    private RedisNotificationStore Store => _store ?? throw new InvalidOperationException("not initialized");

    public async ValueTask InitializeAsync()
    {
        _world = await ReadModelWorld.ConnectAsync(stores.Redis.ConnectionString, new TimelineOptions { Capacity = 5 });
        _store = new RedisNotificationStore(World.Redis, Microsoft.Extensions.Options.Options.Create(World.Options));
    }

    public async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
    }

    [Fact]
    public async Task Add_SameNotificationAgain_AnswersItAgainAndKeepsOne()
    {
        var (recipient, actor) = (World.User("r"), World.User("a"));
        var follow = Follow(recipient, actor, World.Tick());

        var first = Assert.Single(await Store.AddAsync([follow]));
        var again = Assert.Single(await Store.AddAsync([follow]));

        Assert.NotNull(first);
        Assert.Equal(first, again);
        Assert.Equal(first.Id, Assert.Single((await Store.ReadAsync(recipient, new PageRequest(10))).Items).Id);
    }

    [Fact]
    public async Task Add_ACauseThatNotifiedBefore_AddsNothing_ButAnEarlierNotificationOfItTakesItsPlace()
    {
        var (recipient, actor) = (World.User("r"), World.User("a"));
        var (first, second) = (Follow(recipient, actor, World.Tick()), Follow(recipient, actor, World.Tick()));

        Assert.NotNull(Assert.Single(await Store.AddAsync([first])));
        await Store.WithdrawAsync(recipient, first.Cause, forget: false);
        Assert.Null(Assert.Single(await Store.AddAsync([second])));
        Assert.Empty((await Store.ReadAsync(recipient, new PageRequest(10))).Items);

        // A rebuild that met the second before the first: the first is what the live system showed.
        var (other, rebuilt) = (World.User("o"), World.User("b"));
        var (early, late) = (Follow(other, rebuilt, World.Tick()), Follow(other, rebuilt, World.Tick()));
        Assert.NotNull(Assert.Single(await Store.AddAsync([late])));
        Assert.NotNull(Assert.Single(await Store.AddAsync([early])));
        Assert.Equal(early.Id.Value, Assert.Single((await Store.ReadAsync(other, new PageRequest(10))).Items).Id);
    }

    [Fact]
    public async Task Since_FindsANotificationThatLandedBehindTheNewest_EvenAfterTheNewestWasWithdrawn()
    {
        var recipient = World.User("r");
        var (older, seen) = (World.Tick(), World.Tick());
        var newest = Follow(recipient, World.User("a"), seen);
        await Store.AddAsync([newest]);
        await Store.WithdrawAsync(recipient, newest.Cause, forget: false);

        // A client that saw the newest resumes with ?since= it; one older than it arrives meanwhile.
        var late = Follow(recipient, World.User("b"), older);
        await Store.AddAsync([late]);

        var page = await Store.ReadAsync(recipient, new PageRequest(10, Since: newest.Id.Value));
        Assert.Equal(late.Id.Value, Assert.Single(page.Items).Id);
    }

    [Fact]
    public async Task Add_PastTheCapacity_DropsTheOldest_AndPagesWalkTheRestNewestFirst()
    {
        var recipient = World.User("r");
        var follows = Enumerable.Range(0, 7).Select(i => Follow(recipient, World.User($"a{i}"), World.Tick())).ToList();
        foreach (var follow in follows)
        {
            await Store.AddAsync([follow]);
        }

        var first = await Store.ReadAsync(recipient, new PageRequest(3));
        var second = await Store.ReadAsync(recipient, new PageRequest(3, first.NextCursor));

        Assert.Equal(follows.Skip(2).Reverse().Select(f => f.Id.Value), first.Items.Concat(second.Items).Select(n => n.Id));
        Assert.Null(second.NextCursor);
        Assert.Equal(5, await Store.CountUnreadAsync(recipient));
    }

    [Fact]
    public async Task Add_ToADeletedRecipient_AddsNothing()
    {
        var recipient = await World.RegisterAsync("gone");
        var version = World.NextVersion(recipient.StreamId);
        Assert.True(await World.Store.ApplyAccountDeletedAsync(recipient.StreamId, version, recipient));

        Assert.Null(Assert.Single(await Store.AddAsync([Follow(recipient, World.User("a"), World.Tick())])));
        Assert.Empty((await Store.ReadAsync(recipient, new PageRequest(10))).Items);
    }

    private static NotificationRecord Follow(UserId recipient, UserId actor, DateTimeOffset at)
    {
        var cause = NotificationCauses.Follow(actor);
        return new NotificationRecord(NotificationId.For(at, recipient, cause), recipient, NotificationTypes.Follow, actor, null, null, cause);
    }
}
