using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Posts;

public sealed class CommentTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Comment_OnPost_Returns201WithCommentAndLocation()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (reader, readerHandle) = await api.SignUpAsync("reader");
        var postId = await author.CreatePostIdAsync();

        var response = await reader.PostJsonAsync($"/api/posts/{postId}/comments", new { text = "Great post" });

        var comment = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
        ApiAssert.IsComment(comment, postId, readerHandle, "Great post");
        Assert.Equal($"/api/posts/{postId}/comments/{ApiAssert.String(comment, "id")}", response.Headers.Location?.OriginalString);
        Assert.Equal(1, ApiAssert.Count(await api.CreateClient().GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task Comment_Several_CountsEachAndIdsSortByTime()
    {
        var (author, _) = await api.SignUpAsync("author");
        var postId = await author.CreatePostIdAsync();

        var first = ApiAssert.String(await author.CommentAsync(postId, "one"), "id");
        var second = ApiAssert.String(await author.CommentAsync(postId, "two"), "id");
        var third = ApiAssert.String(await author.CommentAsync(postId, "one"), "id");

        Assert.True(string.CompareOrdinal(first, second) < 0 && string.CompareOrdinal(second, third) < 0, $"{first} {second} {third}");
        Assert.Equal(3, ApiAssert.Count(await author.GetPostAsync(postId), "comments"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u0000")]
    public async Task Comment_EmptyOrWhitespaceText_Returns400AndChangesNothing(string text)
    {
        var (author, _) = await api.SignUpAsync("author");
        var postId = await author.CreatePostIdAsync();
        var before = await api.Factory.EventsInStreamAsync($"post-{postId}");

        await ApiAssert.ValidationProblemAsync(await author.PostJsonAsync($"/api/posts/{postId}/comments", new { text }), "text");

        Assert.Equal(0, ApiAssert.Count(await author.GetPostAsync(postId), "comments"));
        Assert.Equal(before, await api.Factory.EventsInStreamAsync($"post-{postId}"));
    }

    [Fact]
    public async Task Comment_501Characters_Returns400AndChangesNothing()
    {
        var (author, _) = await api.SignUpAsync("author");
        var postId = await author.CreatePostIdAsync();

        await ApiAssert.ValidationProblemAsync(await author.PostJsonAsync($"/api/posts/{postId}/comments", new { text = new string('c', 501) }), "text");

        Assert.Equal(0, ApiAssert.Count(await author.GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task Comment_500Characters_Returns201()
    {
        var (author, handle) = await api.SignUpAsync("author");
        var postId = await author.CreatePostIdAsync();
        var text = new string('c', 500);

        ApiAssert.IsComment(await author.CommentAsync(postId, text), postId, handle, text);
    }

    [Theory]
    [InlineData("""{"text":5}""", "text")]
    [InlineData("""{"text":[]}""", "text")]
    [InlineData("{}", "text")]
    public async Task Comment_WrongOrMissingText_Returns400WithTextError(string json, string field)
    {
        var (author, _) = await api.SignUpAsync("author");
        var postId = await author.CreatePostIdAsync();

        await ApiAssert.ValidationProblemAsync(await author.SendRawAsync(HttpMethod.Post, $"/api/posts/{postId}/comments", json), field);

        Assert.Equal(0, ApiAssert.Count(await author.GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task Comment_MalformedJson_Returns400()
    {
        var (author, _) = await api.SignUpAsync("author");
        var postId = await author.CreatePostIdAsync();

        await ApiAssert.ProblemAsync(await author.SendRawAsync(HttpMethod.Post, $"/api/posts/{postId}/comments", "{\"text\":"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Comment_OnUnknownPost_Returns404()
    {
        var (client, _) = await api.SignUpAsync("reader");

        await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/posts/01J00000000000000000000000/comments", new { text = "hello?" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Comment_OnMalformedPostId_Returns404()
    {
        var (client, _) = await api.SignUpAsync("reader");

        await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/posts/nope/comments", new { text = "hello?" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Comment_OnDeletedPost_Returns404AndChangesNothing()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (reader, _) = await api.SignUpAsync("reader");
        var postId = await author.CreatePostIdAsync();
        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}"));
        var before = await api.Factory.EventsInStreamAsync($"post-{postId}");

        await ApiAssert.ProblemAsync(await reader.PostJsonAsync($"/api/posts/{postId}/comments", new { text = "too late" }), HttpStatusCode.NotFound);

        Assert.Equal(before, await api.Factory.EventsInStreamAsync($"post-{postId}"));
    }

    [Fact]
    public async Task DeleteComment_ByItsAuthor_Returns204AndDecrementsTheCount()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (reader, _) = await api.SignUpAsync("reader");
        var postId = await author.CreatePostIdAsync();
        var commentId = ApiAssert.String(await reader.CommentAsync(postId), "id");

        await ApiAssert.NoContentAsync(await reader.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/comments/{commentId}"));

        Assert.Equal(0, ApiAssert.Count(await author.GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task DeleteComment_ByThePostsAuthor_Returns204()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (reader, _) = await api.SignUpAsync("reader");
        var postId = await author.CreatePostIdAsync();
        var commentId = ApiAssert.String(await reader.CommentAsync(postId), "id");

        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/comments/{commentId}"));

        Assert.Equal(0, ApiAssert.Count(await author.GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task DeleteComment_BySomeoneElseOnSomeoneElsesPost_Returns403AndTheCommentStays()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (reader, _) = await api.SignUpAsync("reader");
        var (stranger, strangerHandle) = await api.SignUpAsync("stranger");
        var postId = await author.CreatePostIdAsync();
        var commentId = ApiAssert.String(await reader.CommentAsync(postId), "id");

        await ApiAssert.ProblemAsync(await stranger.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/comments/{commentId}"), HttpStatusCode.Forbidden);

        Assert.Equal(1, ApiAssert.Count(await author.GetPostAsync(postId), "comments"));
        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(strangerHandle));
    }

    [Fact]
    public async Task DeleteComment_CommentersOwnCommentOnlyNotOthers_Returns403()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (first, _) = await api.SignUpAsync("first");
        var (second, _) = await api.SignUpAsync("second");
        var postId = await author.CreatePostIdAsync();
        var firstComment = ApiAssert.String(await first.CommentAsync(postId, "first!"), "id");
        await second.CommentAsync(postId, "second!");

        await ApiAssert.ProblemAsync(await second.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/comments/{firstComment}"), HttpStatusCode.Forbidden);

        Assert.Equal(2, ApiAssert.Count(await author.GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task DeleteComment_Twice_SecondIs404()
    {
        var (author, _) = await api.SignUpAsync("author");
        var postId = await author.CreatePostIdAsync();
        var commentId = ApiAssert.String(await author.CommentAsync(postId), "id");
        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/comments/{commentId}"));

        await ApiAssert.ProblemAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/comments/{commentId}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("01J00000000000000000000000")]
    [InlineData("not-a-comment-id")]
    [InlineData("8ZZZZZZZZZZZZZZZZZZZZZZZZZ")]
    public async Task DeleteComment_UnknownOrMalformedCommentId_Returns404(string commentId)
    {
        var (author, _) = await api.SignUpAsync("author");
        var postId = await author.CreatePostIdAsync();

        await ApiAssert.ProblemAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/comments/{commentId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeleteComment_OfAnotherPost_Returns404()
    {
        var (author, _) = await api.SignUpAsync("author");
        var postA = await author.CreatePostIdAsync("a");
        var postB = await author.CreatePostIdAsync("b");
        var commentOnA = ApiAssert.String(await author.CommentAsync(postA), "id");

        await ApiAssert.ProblemAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{postB}/comments/{commentOnA}"), HttpStatusCode.NotFound);

        Assert.Equal(1, ApiAssert.Count(await author.GetPostAsync(postA), "comments"));
    }

    [Fact]
    public async Task DeleteComment_OnDeletedPost_Returns404()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (reader, _) = await api.SignUpAsync("reader");
        var postId = await author.CreatePostIdAsync();
        var commentId = ApiAssert.String(await reader.CommentAsync(postId), "id");
        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}"));

        await ApiAssert.ProblemAsync(await reader.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/comments/{commentId}"), HttpStatusCode.NotFound);
    }
}
