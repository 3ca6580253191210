using System.Globalization;
using System.Net;
using System.Text;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Posts;

/// <summary>"1 to 500 characters" counts characters as a person sees them: grapheme clusters, not UTF-16 units.</summary>
public sealed class PostTextTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string ThumbsUpMediumSkinTone = "\U0001F44D\U0001F3FD";
    private const string Family = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466";
    private const string Flag = "\U0001F1F3\U0001F1F4";
    private const string DecomposedE = "e\u0301";

    public static TheoryData<string> Graphemes => new() { ThumbsUpMediumSkinTone, Family, Flag, DecomposedE, "é", "x" };

    // 500 family emoji (eleven UTF-16 code units each) are over the 2 000 code units a post may have; the others fit.
    public static TheoryData<string> GraphemesOfAtMostFourUnits => new() { ThumbsUpMediumSkinTone, Flag, DecomposedE, "é", "x" };

    [Theory]
    [MemberData(nameof(GraphemesOfAtMostFourUnits))]
    public async Task CreatePost_500Graphemes_Returns201(string grapheme)
    {
        var (client, handle) = await api.SignUpAsync("graph");
        var text = Repeat(grapheme, 500);

        var post = await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/posts", new { text }), HttpStatusCode.Created);

        var stored = ApiAssert.String(post, "text");
        Assert.Equal(text.Normalize(NormalizationForm.FormC), stored);
        Assert.Equal(500, new StringInfo(stored).LengthInTextElements);
        ApiAssert.IsPost(await client.GetPostAsync(ApiAssert.String(post, "id")), handle, stored);
    }

    [Theory]
    [MemberData(nameof(Graphemes))]
    public async Task CreatePost_501Graphemes_Returns400AndCreatesNothing(string grapheme)
    {
        var (client, handle) = await api.SignUpAsync("graph");

        await ApiAssert.ValidationProblemAsync(await client.PostJsonAsync("/api/posts", new { text = Repeat(grapheme, 501) }), "text");

        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task CreatePost_499LettersAndOneSkinToneEmoji_Returns201()
    {
        var (client, _) = await api.SignUpAsync("graph");

        await client.CreatePostAsync(new string('a', 499) + ThumbsUpMediumSkinTone);
    }

    [Fact]
    public async Task Comment_500SkinToneEmoji_Returns201And501Returns400()
    {
        var (client, handle) = await api.SignUpAsync("graph");
        var postId = await client.CreatePostIdAsync();

        var accepted = await client.PostJsonAsync($"/api/posts/{postId}/comments", new { text = Repeat(ThumbsUpMediumSkinTone, 500) });
        var rejected = await client.PostJsonAsync($"/api/posts/{postId}/comments", new { text = Repeat(ThumbsUpMediumSkinTone, 501) });

        ApiAssert.IsComment(await ApiAssert.JsonAsync(accepted, HttpStatusCode.Created), postId, handle, Repeat(ThumbsUpMediumSkinTone, 500));
        await ApiAssert.ValidationProblemAsync(rejected, "text");
        Assert.Equal(1, ApiAssert.Count(await client.GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task CreatePost_LoneSurrogate_Returns400()
    {
        var (client, handle) = await api.SignUpAsync("graph");

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/posts", """{"text":"broken \ud83d here"}""");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Theory]
    [InlineData("odd \uFFFE character")]
    [InlineData("\uFFFE")]
    [InlineData("\uFFFF and \U0001FFFE and \U0010FFFF")]
    public async Task CreatePost_TextWithNoncharacters_IsCreatedOrRejectedNotAServerError(string text)
    {
        // U+FFFE is the one code point that .NET's Unicode normalization refuses with an exception.
        var (client, _) = await api.SignUpAsync("graph");

        await ApiAssert.SucceedsOrNamesFieldAsync(await client.PostJsonAsync("/api/posts", new { text }), HttpStatusCode.Created, "text");
    }

    [Fact]
    public async Task Comment_TextWithUFFFE_IsCreatedOrRejectedNotAServerError()
    {
        var (client, _) = await api.SignUpAsync("graph");
        var postId = await client.CreatePostIdAsync();

        var response = await client.PostJsonAsync($"/api/posts/{postId}/comments", new { text = "odd \uFFFE character" });

        await ApiAssert.SucceedsOrNamesFieldAsync(response, HttpStatusCode.Created, "text");
    }

    private static string Repeat(string grapheme, int count) => new StringBuilder(grapheme.Length * count).Insert(0, grapheme, count).ToString();
}
