using Social.Abstractions.ReadModels;
using Social.Infrastructure.ReadModels;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.ReadModels;

/// <summary>?since= and posts whose fan-out landed behind a newer post that a reader had already seen.</summary>
public sealed class LateArrivalQueriesTests(StoresFixture stores) : IAsyncLifetime
{
    private ReadModelWorld? _world;

    private ReadModelWorld World => _world!;

    private RedisReadModelQueries Queries => World.Queries;

    public async ValueTask InitializeAsync() => _world = await ReadModelWorld.ConnectAsync(stores.Redis.ConnectionString);

    public async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_SinceAPostThatAnOlderOneArrivedBehind_IncludesTheOlderOne()
    {
        // Two authors post at once and the older post's fan-out finishes last. A client that saw the newer post and
        // then lost its connection must still be given the older one by ?since=, or it would never see it.
        var (reader, a, b) = await World.ReaderFollowingTwoAsync();
        var now = DateTimeOffset.UtcNow;
        var before = await World.PostAtAsync(now.AddSeconds(-1), a, reader);
        var newer = await World.PostAtAsync(now, b, reader);
        await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20)); // the client sees newer
        var late = await World.PostAtAsync(now.AddMilliseconds(-5), a, reader);

        var page = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20, Since: newer.Value));

        Assert.Equal([late.Value], page.Items.Select(i => i.PostId));
        Assert.DoesNotContain(before.Value, page.Items.Select(i => i.PostId));
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_SinceAPostThatALateArrivalLandedBehindThenDeleted_NothingOlder()
    {
        var (reader, a, b) = await World.ReaderFollowingTwoAsync();
        var now = DateTimeOffset.UtcNow;
        var newer = await World.PostAtAsync(now, b, reader);
        await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20));
        var late = await World.PostAtAsync(now.AddMilliseconds(-5), a, reader);

        await World.DeletePostAsync(late, a, reader);
        var page = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20, Since: newer.Value));

        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_SinceAfterAFollow_TheBackfilledOlderPostsAreNotNewer()
    {
        var reader = World.User("reader");
        var author = World.User("author");
        var now = DateTimeOffset.UtcNow;
        await World.PostAtAsync(now.AddMinutes(-1), author);
        var seen = await World.PostAtAsync(now, reader);

        await World.FollowAsync(reader, author);
        var page = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20, Since: seen.Value));

        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_SinceAPostNewerThanAFollowsBackfill_OnlyNewerPosts()
    {
        // The backfill landed before since did: a client that saw since had it already, so it is not repeated.
        var reader = World.User("reader");
        var author = World.User("author");
        var now = DateTimeOffset.UtcNow;
        await World.PostAtAsync(now.AddMinutes(-2), author);
        await World.PostAtAsync(now.AddMinutes(-1), reader);
        await World.FollowAsync(reader, author);
        var since = await World.PostAtAsync(now, author, reader);
        var newer = await World.PostAtAsync(now.AddSeconds(1), author, reader);

        var page = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20, Since: since.Value));

        Assert.Equal([newer.Value], page.Items.Select(i => i.PostId));
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_SinceAPostAnOlderOneLandedBehindWhileTheReaderWasInactive_NotRecorded()
    {
        // Nobody could have seen the newer post before the older one landed: nothing to record, since= is exact.
        var (reader, a, b) = await World.ReaderFollowingTwoAsync();
        var now = DateTimeOffset.UtcNow;
        var newer = await World.PostAtAsync(now, b, reader);
        await World.PostAtAsync(now.AddMilliseconds(-5), a, reader);

        var page = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20, Since: newer.Value));

        Assert.Empty(page.Items);
        Assert.Equal(0, await World.Db.SortedSetLengthAsync($"s:late:{reader.Value}"));
    }
}
