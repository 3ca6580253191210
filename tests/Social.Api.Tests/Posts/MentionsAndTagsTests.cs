using System.Net;
using System.Text.Json;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Posts;

/// <summary>API.md, "Mentions and hashtags": what posts and comments show, and tag timelines.</summary>
public sealed class MentionsAndTagsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Post_MentionsAndTags_AreShownInEveryReadPath_OnlyExistingUsersMentioned()
    {
        var (author, authorHandle) = await api.SignUpAsync("author");
        var (_, bob) = await api.SignUpAsync("bob");
        var tag = NewTag();

        var created = await author.CreatePostAsync($"Hi @{bob.ToUpperInvariant()} and @nobody_{tag}, see #{tag.ToUpperInvariant()} #{tag} #123 mail@{bob}.org");
        var id = ApiAssert.String(created, "id");

        AssertEntities(created, [bob], [tag]);
        AssertEntities(await api.CreateClient().GetPostAsync(id), [bob], [tag]);
        AssertEntities(await Eventually.ReadAsync(() => OnlyAsync(author, "/api/timelines/home", id), post => post is not null, "home timeline"), [bob], [tag]);
        AssertEntities(await Eventually.ReadAsync(() => OnlyAsync(author, $"/api/users/{authorHandle}/posts", id), post => post is not null, "user timeline"), [bob], [tag]);
        AssertEntities(await Eventually.ReadAsync(() => OnlyAsync(author, $"/api/tags/{tag}/posts", id), post => post is not null, "tag timeline"), [bob], [tag]);
    }

    [Fact]
    public async Task Comment_Mentions_AreShownInTheAnswerAndTheCommentPage()
    {
        var (author, authorHandle) = await api.SignUpAsync("author");
        var (commenter, _) = await api.SignUpAsync("commenter");
        var postId = await author.CreatePostIdAsync("no mentions here");

        var comment = await commenter.CommentAsync(postId, $"@{authorHandle} look, and @{authorHandle} again #tags_are_not_kept_on_comments");

        Assert.Equal([authorHandle], Strings(comment, "mentions"));
        var page = await Eventually.ReadAsync(() => commenter.AllPagesAsync($"/api/posts/{postId}/comments"), items => items.Count == 1, "the comment page");
        Assert.Equal([authorHandle], Strings(Assert.Single(page), "mentions"));
        AssertEntities(await author.GetPostAsync(postId), [], []);
    }

    [Fact]
    public async Task TagTimeline_NewestFirst_CaseInsensitive_DeletedPostLeavesIt()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (other, _) = await api.SignUpAsync("other");
        var tag = NewTag();
        var first = await author.CreatePostIdAsync($"#{tag} one");
        var second = await other.CreatePostIdAsync($"two #{tag.ToUpperInvariant()}");
        var untagged = await author.CreatePostIdAsync($"#{tag}x is another tag");

        var page = await Eventually.ReadAsync(() => author.AllPagesAsync($"/api/tags/{tag.ToUpperInvariant()}/posts"), items => items.Count == 2, "both posts in the tag's timeline");
        Assert.Equal([second, first], page.Select(post => ApiAssert.String(post, "id")));
        Assert.DoesNotContain(untagged, page.Select(post => ApiAssert.String(post, "id")));

        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{first}"));

        page = await Eventually.ReadAsync(() => author.AllPagesAsync($"/api/tags/{tag}/posts"), items => items.Count == 1, "the deleted post gone from the tag's timeline");
        Assert.Equal(second, ApiAssert.String(Assert.Single(page), "id"));
    }

    [Fact]
    public async Task TagTimeline_UnusedTag_Returns200WithNoItems()
    {
        var page = await ApiAssert.JsonAsync(await api.CreateClient().GetPathAsync($"/api/tags/{NewTag()}/posts"), HttpStatusCode.OK);

        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("123")]
    [InlineData("two-words")]
    [InlineData("%23hash")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task TagTimeline_NotATag_Returns400NamingTheTag(string tag)
    {
        await ApiAssert.ValidationProblemAsync(await api.CreateClient().GetPathAsync($"/api/tags/{tag}/posts"), "tag");
    }

    [Fact]
    public async Task TagTimeline_UnicodeLetters_AreATag()
    {
        var (author, _) = await api.SignUpAsync("author");
        var tag = "café_" + NewTag();
        var id = await author.CreatePostIdAsync($"#{tag.ToUpperInvariant()}!");

        var page = await Eventually.ReadAsync(() => author.AllPagesAsync($"/api/tags/{Uri.EscapeDataString(tag)}/posts"), items => items.Count == 1, "the post in its tag's timeline");

        Assert.Equal(id, ApiAssert.String(Assert.Single(page), "id"));
        Assert.Equal([tag], Strings(page[0], "tags"));
    }

    private static string NewTag() => "t" + Guid.NewGuid().ToString("N")[..12];

    private static async Task<JsonElement?> OnlyAsync(HttpClient client, string path, string id) =>
        (await client.AllPagesAsync(path)).Cast<JsonElement?>().FirstOrDefault(post => ApiAssert.String(post!.Value, "id") == id);

    private static void AssertEntities(JsonElement? post, string[] mentions, string[] tags)
    {
        Assert.NotNull(post);
        Assert.Equal(mentions, Strings(post.Value, "mentions"));
        Assert.Equal(tags, Strings(post.Value, "tags"));
    }

    private static string[] Strings(JsonElement owner, string name) =>
        [.. ApiAssert.Property(owner, name).EnumerateArray().Select(item => item.GetString()!)];
}
