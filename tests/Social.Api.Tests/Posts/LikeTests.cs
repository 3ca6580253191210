using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Posts;

public sealed class LikeTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Like_Post_Returns204AndCounts()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (fan, _) = await api.SignUpAsync("fan");
        var postId = await author.CreatePostIdAsync();

        await ApiAssert.NoContentAsync(await fan.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));

        Assert.Equal(1, ApiAssert.Count(await api.CreateClient().GetPostAsync(postId), "likes"));
    }

    [Fact]
    public async Task Like_Twice_Returns204AndCountsOnce()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (fan, _) = await api.SignUpAsync("fan");
        var postId = await author.CreatePostIdAsync();

        await ApiAssert.NoContentAsync(await fan.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
        await ApiAssert.NoContentAsync(await fan.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));

        Assert.Equal(1, ApiAssert.Count(await fan.GetPostAsync(postId), "likes"));
    }

    [Fact]
    public async Task Like_AfterFiveTakeBacks_Is409AndAddsNoEvent_TheStreamStaysBounded()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (toggler, _) = await api.SignUpAsync("toggler");
        var postId = await author.CreatePostIdAsync();
        for (var i = 0; i < 5; i++)
        {
            await ApiAssert.NoContentAsync(await toggler.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
            await ApiAssert.NoContentAsync(await toggler.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/like"));
        }

        var events = await api.Factory.EventsInStreamAsync($"post-{postId}");

        await ApiAssert.ProblemAsync(await toggler.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"), HttpStatusCode.Conflict);
        Assert.Equal(events, await api.Factory.EventsInStreamAsync($"post-{postId}"));
        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
    }

    [Fact]
    public async Task Like_ByTwoUsersAndTheAuthor_CountsEach()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (fan, _) = await api.SignUpAsync("fan");
        var (other, _) = await api.SignUpAsync("other");
        var postId = await author.CreatePostIdAsync();

        await ApiAssert.NoContentAsync(await fan.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
        await ApiAssert.NoContentAsync(await other.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));

        Assert.Equal(3, ApiAssert.Count(await fan.GetPostAsync(postId), "likes"));
    }

    [Fact]
    public async Task Unlike_LikedPost_Returns204AndDecrements()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (fan, _) = await api.SignUpAsync("fan");
        var postId = await author.CreatePostIdAsync();
        await ApiAssert.NoContentAsync(await fan.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));

        await ApiAssert.NoContentAsync(await fan.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/like"));

        Assert.Equal(0, ApiAssert.Count(await fan.GetPostAsync(postId), "likes"));
    }

    [Fact]
    public async Task Unlike_NotLiked_Returns204AndLeavesOthersLikes()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (fan, _) = await api.SignUpAsync("fan");
        var (other, _) = await api.SignUpAsync("other");
        var postId = await author.CreatePostIdAsync();
        await ApiAssert.NoContentAsync(await fan.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));

        await ApiAssert.NoContentAsync(await other.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/like"));
        await ApiAssert.NoContentAsync(await other.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/like"));

        Assert.Equal(1, ApiAssert.Count(await fan.GetPostAsync(postId), "likes"));
    }

    [Theory]
    [InlineData("PUT", "01J00000000000000000000000")]
    [InlineData("DELETE", "01J00000000000000000000000")]
    [InlineData("PUT", "not-an-id")]
    [InlineData("DELETE", "not-an-id")]
    public async Task Like_UnknownOrMalformedPost_Returns404(string method, string postId)
    {
        var (fan, _) = await api.SignUpAsync("fan");

        await ApiAssert.ProblemAsync(await fan.SendAsync(new HttpMethod(method), $"/api/posts/{postId}/like"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Like_DeletedPost_Returns404(string method)
    {
        var (author, _) = await api.SignUpAsync("author");
        var (fan, _) = await api.SignUpAsync("fan");
        var postId = await author.CreatePostIdAsync();
        await ApiAssert.NoContentAsync(await fan.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}"));

        await ApiAssert.ProblemAsync(await fan.SendAsync(new HttpMethod(method), $"/api/posts/{postId}/like"), HttpStatusCode.NotFound);
    }
}
