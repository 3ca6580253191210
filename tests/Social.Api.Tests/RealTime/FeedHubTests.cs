using System.Net;
using System.Text.Json;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.RealTime;

/// <summary>The feed hub against the real host: who receives what, in the shapes of the HTTP API.</summary>
public sealed class FeedHubTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Follower_ReceivesPostAddedInTheHttpShape_ThenPostRemovedAfterTheDelete()
    {
        var (author, authorHandle) = await api.SignUpAsync("author");
        var (follower, followerHandle) = await api.SignUpAsync("follower");
        await ApiAssert.NoContentAsync(await follower.SendAsync(HttpMethod.Put, $"/api/users/me/following/{authorHandle}"));
        await using var feed = await FeedClient.ConnectAsync(follower);

        var id = await author.CreatePostIdAsync("live from the hub");
        var pushed = await feed.WaitForAsync("postAdded", id);
        var served = await author.GetPostAsync(id);
        Assert.Equal(Normalized(served), Normalized(pushed));

        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{id}"));
        var removed = await feed.WaitForAsync("postRemoved", id);
        Assert.Equal(["id"], removed.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain(followerHandle, feed.Received("postAdded").Select(p => p.GetProperty("author").GetProperty("handle").GetString()));
    }

    [Fact]
    public async Task Author_ReceivesTheirOwnPost()
    {
        var (author, _) = await api.SignUpAsync("author");
        await using var feed = await FeedClient.ConnectAsync(author);

        var id = await author.CreatePostIdAsync();

        await feed.WaitForAsync("postAdded", id);
    }

    [Fact]
    public async Task CommentOnOwnPost_AuthorReceivesCommentAddedInTheHttpShape()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (commenter, _) = await api.SignUpAsync("commenter");
        var postId = await author.CreatePostIdAsync();
        await using var feed = await FeedClient.ConnectAsync(author);

        var comment = await commenter.CommentAsync(postId, "pushed comment");
        var pushed = await feed.WaitForAsync("commentAdded", ApiAssert.String(comment, "id"));

        Assert.Equal(Normalized(comment), Normalized(pushed));
    }

    [Fact]
    public async Task NonFollower_ReceivesNothingOfWhatAFollowerReceives()
    {
        var (author, authorHandle) = await api.SignUpAsync("author");
        var (follower, _) = await api.SignUpAsync("follower");
        var (stranger, _) = await api.SignUpAsync("stranger");
        await ApiAssert.NoContentAsync(await follower.SendAsync(HttpMethod.Put, $"/api/users/me/following/{authorHandle}"));
        await using var followerFeed = await FeedClient.ConnectAsync(follower);
        await using var strangerFeed = await FeedClient.ConnectAsync(stranger);

        var id = await author.CreatePostIdAsync();
        await author.CommentAsync(id);
        await followerFeed.WaitForAsync("postAdded", id);
        await author.SendAsync(HttpMethod.Delete, $"/api/posts/{id}");
        await followerFeed.WaitForAsync("postRemoved", id);

        Assert.Empty(strangerFeed.Messages);
        Assert.Empty(followerFeed.Received("commentAdded"));
    }

    [Fact]
    public async Task Follow_PushesTheBackfilledPosts_UnfollowPushesTheirRemoval()
    {
        var (author, authorHandle) = await api.SignUpAsync("author");
        var (follower, _) = await api.SignUpAsync("follower");
        var ids = new[] { await author.CreatePostIdAsync("one"), await author.CreatePostIdAsync("two") };
        await using var feed = await FeedClient.ConnectAsync(follower);

        await ApiAssert.NoContentAsync(await follower.SendAsync(HttpMethod.Put, $"/api/users/me/following/{authorHandle}"));
        foreach (var id in ids)
        {
            await feed.WaitForAsync("postAdded", id);
        }

        await ApiAssert.NoContentAsync(await follower.SendAsync(HttpMethod.Delete, $"/api/users/me/following/{authorHandle}"));
        foreach (var id in ids)
        {
            await feed.WaitForAsync("postRemoved", id);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    public async Task Connect_WithoutAValidToken_Refused(string? token)
    {
        var server = api.CreateClient().BaseAddress!;

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => FeedClient.ConnectAsync(server, token));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Connect_TokenOfAnotherKey_Refused()
    {
        var (_, handle) = await api.SignUpAsync("victim");
        var forged = SocialApiFactory.MintToken(handle, signingKey: "another-signing-key-that-is-long-enough-for-hmac");

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => FeedClient.ConnectAsync(api.CreateClient().BaseAddress!, forged));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Hub_OffersNoMethodToJoinAnotherUsersFeed()
    {
        var (author, authorHandle) = await api.SignUpAsync("author");
        var (snoop, _) = await api.SignUpAsync("snoop");
        await using var feed = await FeedClient.ConnectAsync(snoop);

        foreach (var method in new[] { "JoinGroup", "AddToGroupAsync", "Subscribe" })
        {
            await Assert.ThrowsAnyAsync<Exception>(() => feed.InvokeAsync(method, "feed:" + authorHandle));
        }

        var (witness, _) = await api.SignUpAsync("witness");
        await using var witnessFeed = await FeedClient.ConnectAsync(witness);
        await ApiAssert.NoContentAsync(await witness.SendAsync(HttpMethod.Put, $"/api/users/me/following/{authorHandle}"));
        var id = await author.CreatePostIdAsync();
        await witnessFeed.WaitForAsync("postAdded", id);
        Assert.Empty(feed.Received("postAdded"));
    }

    // The pushed and served JSON, compared property by property (the same names, the same values).
    private static string Normalized(JsonElement element) => JsonSerializer.Serialize(element);
}
