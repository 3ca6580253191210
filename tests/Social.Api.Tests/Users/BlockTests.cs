using System.Net;
using System.Text.Json;
using Social.Api.Tests.Notifications;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Users;

/// <summary>API.md, "Blocks and mutes": the write model's refusals and every read path, in both directions of a block.</summary>
public sealed class BlockTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Block_EndsTheFollowsBothWays_AndTheBlockedCannotFollowCommentOrLike_UntilUnblocked()
    {
        var (blocker, blockerHandle) = await api.SignUpAsync("blocker");
        var (blocked, blockedHandle) = await api.SignUpAsync("blocked");
        await BlockTestSteps.FollowAsync(blocker, blockedHandle);
        await BlockTestSteps.FollowAsync(blocked, blockerHandle);
        var post = await blocker.CreatePostIdAsync("mine");

        await ApiAssert.NoContentAsync(await blocker.SendAsync(HttpMethod.Put, $"/api/users/me/blocks/{blockedHandle}"));
        await ApiAssert.NoContentAsync(await blocker.SendAsync(HttpMethod.Put, $"/api/users/me/blocks/{blockedHandle}"));

        await Eventually.ReadAsync(async () => (Count(await blocker.GetUserAsync(blockerHandle), "followers"), Count(await blocker.GetUserAsync(blockerHandle), "following")),
            counts => counts == (0, 0), "the follows both ways ended");
        await ApiAssert.ProblemAsync(await blocked.SendAsync(HttpMethod.Put, $"/api/users/me/following/{blockerHandle}"), HttpStatusCode.Forbidden);
        await ApiAssert.ProblemAsync(await blocked.PostJsonAsync($"/api/posts/{post}/comments", new { text = "hey" }), HttpStatusCode.Forbidden);
        await ApiAssert.ProblemAsync(await blocked.SendAsync(HttpMethod.Put, $"/api/posts/{post}/like"), HttpStatusCode.Forbidden);
        await ApiAssert.ProblemAsync(await blocker.SendAsync(HttpMethod.Put, $"/api/users/me/following/{blockedHandle}"), HttpStatusCode.Forbidden);
        Assert.Equal((0, 0), (Count(await blocker.GetPostAsync(post), "comments"), Count(await blocker.GetPostAsync(post), "likes")));

        await ApiAssert.NoContentAsync(await blocker.SendAsync(HttpMethod.Delete, $"/api/users/me/blocks/{blockedHandle}"));
        await ApiAssert.NoContentAsync(await blocker.SendAsync(HttpMethod.Delete, $"/api/users/me/blocks/{blockedHandle}"));
        await BlockTestSteps.FollowAsync(blocked, blockerHandle);
        await ApiAssert.NoContentAsync(await blocked.SendAsync(HttpMethod.Put, $"/api/posts/{post}/like"));
    }

    [Fact]
    public async Task Block_NeitherSeesTheOthersPostsOrComments_TheBlockedGets404ForTheBlockersPostsAndProfile()
    {
        var (blocker, blockerHandle) = await api.SignUpAsync("blocker");
        var (blocked, blockedHandle) = await api.SignUpAsync("blocked");
        var (bystander, bystanderHandle) = await api.SignUpAsync("bystander");
        var tag = "b" + Guid.NewGuid().ToString("N")[..10];
        await BlockTestSteps.FollowAsync(blocker, blockedHandle);
        await BlockTestSteps.FollowAsync(blocked, blockerHandle);
        var blockersPost = await blocker.CreatePostIdAsync($"the blocker's #{tag}");
        var blockedsPost = await blocked.CreatePostIdAsync($"the blocked's #{tag}");
        var bystandersPost = await bystander.CreatePostIdAsync("the bystander's");
        await blocker.CommentAsync(bystandersPost, "the blocker's comment");
        await blocked.CommentAsync(bystandersPost, "the blocked's comment");
        await Eventually.ReadAsync(() => blocker.HomeTimelineAsync(), items => BlockTestSteps.Ids(items).Contains(blockedsPost), "the blocked's post at the blocker's home");
        await Eventually.ReadAsync(() => blocked.HomeTimelineAsync(), items => BlockTestSteps.Ids(items).Contains(blockersPost), "the blocker's post at the blocked's home");

        await ApiAssert.NoContentAsync(await blocker.SendAsync(HttpMethod.Put, $"/api/users/me/blocks/{blockedHandle}"));

        foreach (var (reader, other, othersHandle, othersPost) in new[] { (blocker, blocked, blockedHandle, blockedsPost), (blocked, blocker, blockerHandle, blockersPost) })
        {
            // The block reaches the read models a moment after its 204 (the unfollow before it, a moment sooner).
            await Eventually.ReadAsync(() => reader.AllPagesAsync($"/api/tags/{tag}/posts"), items => items.Count == 1, "the other's post gone from the tag page");
            Assert.DoesNotContain(othersPost, BlockTestSteps.Ids(await reader.AllPagesAsync($"/api/tags/{tag}/posts")));
            await Eventually.ReadAsync(() => reader.HomeTimelineAsync(), items => !BlockTestSteps.Ids(items).Contains(othersPost), "the other's post gone from home");
            Assert.DoesNotContain(othersHandle, (await reader.AllPagesAsync($"/api/posts/{bystandersPost}/comments")).Select(AuthorHandle));
            Assert.Single(await reader.AllPagesAsync($"/api/posts/{bystandersPost}/comments"));
        }

        await ApiAssert.ProblemAsync(await blocked.GetPathAsync($"/api/posts/{blockersPost}"), HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await blocked.GetPathAsync($"/api/posts/{blockersPost}/comments"), HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await blocked.GetPathAsync($"/api/users/{blockerHandle}"), HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await blocked.GetPathAsync($"/api/users/{blockerHandle}/posts"), HttpStatusCode.NotFound);
        await blocker.GetPostAsync(blockedsPost);
        await blocker.GetUserAsync(blockedHandle);
        Assert.Equal([blockedsPost], BlockTestSteps.Ids(await blocker.AllPagesAsync($"/api/users/{blockedHandle}/posts")));

        // The others still see both; the bystander's lists leave out whoever the reader is blocked from.
        Assert.Equal(2, (await bystander.AllPagesAsync($"/api/posts/{bystandersPost}/comments")).Count);
        await BlockTestSteps.FollowAsync(blocker, bystanderHandle);
        await BlockTestSteps.FollowAsync(blocked, bystanderHandle);
        await Eventually.ReadAsync(() => bystander.AllPagesAsync($"/api/users/{bystanderHandle}/followers"), items => items.Count == 2, "two followers");
        Assert.Equal([blockerHandle], (await blocker.AllPagesAsync($"/api/users/{bystanderHandle}/followers")).Select(user => ApiAssert.String(user, "handle")));
    }

    [Fact]
    public async Task Mute_HidesTheMutedsPostsAtHomeAndTheirNotifications_UnmuteBringsThemBack_NothingElseChanges()
    {
        var (muter, muterHandle) = await api.SignUpAsync("muter");
        var (muted, mutedHandle) = await api.SignUpAsync("muted");
        await BlockTestSteps.FollowAsync(muter, mutedHandle);
        var before = await muted.CreatePostIdAsync("before the mute");
        await Eventually.ReadAsync(() => muter.HomeTimelineAsync(), items => BlockTestSteps.Ids(items).Contains(before), "the post at home");

        await ApiAssert.NoContentAsync(await muter.SendAsync(HttpMethod.Put, $"/api/users/me/mutes/{mutedHandle}"));
        await ApiAssert.NoContentAsync(await muter.SendAsync(HttpMethod.Put, $"/api/users/me/mutes/{mutedHandle}"));

        var after = await muted.CreatePostIdAsync($"after the mute, @{muterHandle}");
        await BlockTestSteps.FollowAsync(muted, muterHandle);
        var witness = await muter.CreatePostIdAsync("a witness");
        var home = await Eventually.ReadAsync(() => muter.HomeTimelineAsync(), items => BlockTestSteps.Ids(items).Contains(witness), "the witness at home");
        Assert.DoesNotContain(before, BlockTestSteps.Ids(home));
        Assert.DoesNotContain(after, BlockTestSteps.Ids(home));
        Assert.Empty(await muter.NotificationsAsync());
        Assert.Equal(0, await muter.UnreadAsync());
        Assert.Equal([after, before], BlockTestSteps.Ids(await muter.AllPagesAsync($"/api/users/{mutedHandle}/posts")));
        await muter.GetPostAsync(after);
        await muted.CommentAsync(witness, "comments still work");

        await ApiAssert.NoContentAsync(await muter.SendAsync(HttpMethod.Delete, $"/api/users/me/mutes/{mutedHandle}"));
        home = await Eventually.ReadAsync(() => muter.HomeTimelineAsync(), items => BlockTestSteps.Ids(items).Contains(after), "the muted posts back");
        Assert.Contains(before, BlockTestSteps.Ids(home));
    }

    [Fact]
    public async Task BlocksAndMutes_AreListedPaged_Yourself400_Unknown404()
    {
        var (user, handle) = await api.SignUpAsync("lister");
        var others = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            others.Add((await api.SignUpAsync("other")).Handle);
            await ApiAssert.NoContentAsync(await user.SendAsync(HttpMethod.Put, $"/api/users/me/blocks/{others[^1]}"));
            await ApiAssert.NoContentAsync(await user.SendAsync(HttpMethod.Put, $"/api/users/me/mutes/{others[^1]}"));
        }

        foreach (var list in new[] { "blocks", "mutes" })
        {
            var listed = await Eventually.ReadAsync(() => WalkAsync(user, $"/api/users/me/{list}", limit: 2), items => items.Count == 3, $"three {list}");
            Assert.Equal(others.Order(StringComparer.Ordinal), listed);
            await ApiAssert.ValidationProblemAsync(await user.SendAsync(HttpMethod.Put, $"/api/users/me/{list}/{handle}"), "handle");
            await ApiAssert.ProblemAsync(await user.SendAsync(HttpMethod.Put, $"/api/users/me/{list}/nobody_{Guid.NewGuid():N}"[..40]), HttpStatusCode.NotFound);
            await ApiAssert.ProblemAsync(await api.CreateClient().GetPathAsync($"/api/users/me/{list}"), HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Block_HidesNotificationsBothWays_AndNoneShowAcrossIt()
    {
        var (blocker, blockerHandle) = await api.SignUpAsync("blocker");
        var (blocked, blockedHandle) = await api.SignUpAsync("blocked");
        await BlockTestSteps.FollowAsync(blocked, blockerHandle);
        await BlockTestSteps.FollowAsync(blocker, blockedHandle);
        await blocker.NotificationsWhenAsync(items => items.Count == 1, "the follow notified");
        await blocked.NotificationsWhenAsync(items => items.Count == 1, "the follow notified");

        await ApiAssert.NoContentAsync(await blocker.SendAsync(HttpMethod.Put, $"/api/users/me/blocks/{blockedHandle}"));
        await blocked.CreatePostIdAsync($"@{blockerHandle} can you see this?");
        var (witness, _) = await api.SignUpAsync("witness");
        await witness.CreatePostIdAsync($"@{blockerHandle} @{blockedHandle} a witness");

        Assert.Equal(["mention"], (await blocker.NotificationsWhenAsync(items => items.Count == 1 && items[0].Type() == "mention", "only the witness's mention")).Select(n => n.Type()));
        Assert.Equal(["mention"], (await blocked.NotificationsWhenAsync(items => items.Count == 1 && items[0].Type() == "mention", "only the witness's mention")).Select(n => n.Type()));
        Assert.Equal(1, await blocker.UnreadAsync());
    }

    private static async Task<List<string>> WalkAsync(HttpClient client, string path, int limit)
    {
        var handles = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ApiAssert.JsonAsync(await client.GetPathAsync($"{path}?limit={limit}{(cursor is null ? "" : $"&cursor={cursor}")}"), HttpStatusCode.OK);
            handles.AddRange(page.GetProperty("items").EnumerateArray().Select(user => ApiAssert.String(user, "handle")));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return handles;
    }

    private static long Count(JsonElement owner, string name) => ApiAssert.Count(owner, name);

    private static string AuthorHandle(JsonElement item) => ApiAssert.String(ApiAssert.Property(item, "author"), "handle");
}
