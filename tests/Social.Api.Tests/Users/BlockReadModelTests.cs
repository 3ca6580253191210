using System.Net;
using System.Text.Json;
using Social.Api.Tests.Admin;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Users;

/// <summary>A host whose authors are merged into readers' pages at read time from their second follower, with a Redis of its own.</summary>
public sealed class HybridAuthorsApiFixture(StoresFixture stores) : ApiFixture(stores)
{
    protected override bool OwnRedis => true;

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Social:Timelines:MergeAtReadThreshold"] = "1",
    };
}

/// <summary>Mutes of authors whose posts are not fanned out but merged into pages at read time, and their pushes.</summary>
public sealed class HybridAuthorMuteTests(HybridAuthorsApiFixture api) : IClassFixture<HybridAuthorsApiFixture>
{
    [Fact]
    public async Task MutedHybridAuthor_LeavesTheMutersPagesAndPushes_NotTheOtherFollowers()
    {
        var (author, authorHandle) = await api.SignUpAsync("star");
        var (muter, _) = await api.SignUpAsync("muter");
        var (fan, _) = await api.SignUpAsync("fan");
        await BlockTestSteps.FollowAsync(muter, authorHandle);
        await BlockTestSteps.FollowAsync(fan, authorHandle);
        await Eventually.ReadAsync(() => fan.GetUserAsync(authorHandle), user => ApiAssert.Count(user, "followers") == 2, "two followers");
        var before = await author.CreatePostIdAsync("merged at read time");
        await Eventually.ReadAsync(() => muter.HomeTimelineAsync(), items => BlockTestSteps.Ids(items).Contains(before), "the post in the muter's page");

        await ApiAssert.NoContentAsync(await muter.SendAsync(HttpMethod.Put, $"/api/users/me/mutes/{authorHandle}"));
        await using var muterFeed = await FeedClient.ConnectAsync(muter);
        await using var fanFeed = await FeedClient.ConnectAsync(fan);
        var after = await author.CreatePostIdAsync("after the mute");

        await fanFeed.WaitForAsync("postAdded", after);
        var witness = await muter.CreatePostIdAsync("the muter's own, pushed after");
        await muterFeed.WaitForAsync("postAdded", witness);
        Assert.DoesNotContain(muterFeed.Received("postAdded"), post => ApiAssert.String(post, "id") == after);
        var page = BlockTestSteps.Ids(await muter.HomeTimelineAsync());
        Assert.DoesNotContain(before, page);
        Assert.DoesNotContain(after, page);
        Assert.Contains(after, BlockTestSteps.Ids(await fan.HomeTimelineAsync()));
    }
}

/// <summary>The event store is the only source of truth: a rebuild keeps blocks and mutes effective.</summary>
public sealed class BlockRebuildTests(RebuildingApiFixture api) : IClassFixture<RebuildingApiFixture>
{
    [Fact]
    public async Task Rebuild_KeepsBlocksAndMutesEffective()
    {
        var (reader, readerHandle) = await api.SignUpAsync("reader");
        var (blocked, blockedHandle) = await api.SignUpAsync("blocked");
        var (muted, mutedHandle) = await api.SignUpAsync("muted");
        var (friend, friendHandle) = await api.SignUpAsync("friend");
        foreach (var handle in new[] { blockedHandle, mutedHandle, friendHandle })
        {
            await BlockTestSteps.FollowAsync(reader, handle);
        }

        var posts = new[] { await blocked.CreatePostIdAsync("blocked"), await muted.CreatePostIdAsync("muted"), await friend.CreatePostIdAsync("friend") };
        await Eventually.ReadAsync(() => reader.HomeTimelineAsync(), items => items.Count == 3, "three posts at home");
        await ApiAssert.NoContentAsync(await reader.SendAsync(HttpMethod.Put, $"/api/users/me/blocks/{blockedHandle}"));
        await ApiAssert.NoContentAsync(await reader.SendAsync(HttpMethod.Put, $"/api/users/me/mutes/{mutedHandle}"));
        await Eventually.ReadAsync(() => reader.HomeTimelineAsync(), items => items.Count == 1, "only the friend's post at home");

        await api.RebuildReadModelsAsync();

        var home = await Eventually.ReadAsync(() => reader.HomeTimelineAsync(), items => items.Count >= 1, "the home timeline rebuilt");
        Assert.Equal([posts[2]], BlockTestSteps.Ids(home));
        Assert.Equal([blockedHandle], (await reader.AllPagesAsync("/api/users/me/blocks")).Select(user => ApiAssert.String(user, "handle")));
        Assert.Equal([mutedHandle], (await reader.AllPagesAsync("/api/users/me/mutes")).Select(user => ApiAssert.String(user, "handle")));
        await ApiAssert.ProblemAsync(await blocked.GetPathAsync($"/api/users/{readerHandle}"), HttpStatusCode.NotFound);
    }
}

/// <summary>Steps the block tests share.</summary>
internal static class BlockTestSteps
{
    public static async Task FollowAsync(HttpClient follower, string handle) =>
        await ApiAssert.NoContentAsync(await follower.SendAsync(HttpMethod.Put, $"/api/users/me/following/{handle}"));

    public static List<string> Ids(IEnumerable<JsonElement> items) => [.. items.Select(item => ApiAssert.String(item, "id"))];
}
