using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Errors;

/// <summary>Errors that come from the framework rather than the domain have problem bodies too.</summary>
public sealed class ProblemResponseTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const int TwoMegabytes = 2 * 1024 * 1024;

    [Theory]
    [InlineData("GET", "/api/nothing-here")]
    [InlineData("GET", "/api")]
    [InlineData("GET", "/")]
    [InlineData("POST", "/api/posts/01J00000000000000000000000/shares")]
    [InlineData("GET", "/api/users/someone/unknown")]
    public async Task UnknownRoute_Returns404Problem(string method, string path)
    {
        await ApiAssert.ProblemAsync(await api.CreateClient().SendAsync(new HttpMethod(method), path), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("DELETE", "/api/users")]
    [InlineData("PUT", "/api/auth/token")]
    [InlineData("GET", "/api/auth/token")]
    public async Task KnownRouteWrongMethod_Returns405Problem(string method, string path)
    {
        await ApiAssert.ProblemAsync(await api.CreateClient().SendAsync(new HttpMethod(method), path), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Post_NotJsonContentType_Returns415Problem()
    {
        var (client, _) = await api.SignUpAsync("media");

        await ApiAssert.ProblemAsync(await client.SendRawAsync(HttpMethod.Post, "/api/posts", "hello", contentType: "text/plain"), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Problem_ClientAcceptsJson_IsStillProblemJson()
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        await ApiAssert.ProblemAsync(await client.GetPathAsync($"/api/users/{Handles.Unique("nobody")}"), HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await client.SendJsonAsync(HttpMethod.Post, "/api/posts", new { text = "x" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CreatePost_TwoMegabyteBody_Returns413ProblemAndCreatesNothing()
    {
        var (client, handle) = await api.SignUpAsync("big");

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/posts", BigJson("text"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task CreatePost_TwoMegabyteBodyWithIdempotencyKey_Returns413Problem()
    {
        var (client, handle) = await api.SignUpAsync("big");

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/posts", BigJson("text"), Guid.NewGuid().ToString());

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task CreatePost_TwoMegabyteChunkedBody_Returns413Problem()
    {
        var (client, _) = await api.SignUpAsync("big");
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(BigJson("text"))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Register_TwoMegabyteBody_Returns413Problem()
    {
        var response = await api.CreateClient().SendRawAsync(HttpMethod.Post, "/api/users", BigJson("displayName"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Token_TwoMegabyteBody_Returns413Problem()
    {
        var response = await api.CreateClient().SendRawAsync(HttpMethod.Post, "/api/auth/token", BigJson("password"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Comment_TwoMegabyteBody_Returns413ProblemAndCreatesNothing()
    {
        var (client, _) = await api.SignUpAsync("big");
        var postId = await client.CreatePostIdAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, $"/api/posts/{postId}/comments", BigJson("text"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, ApiAssert.Count(await client.GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task UpdateProfile_TwoMegabyteBody_Returns413Problem()
    {
        var (client, _) = await api.SignUpAsync("big");

        var response = await client.SendRawAsync(HttpMethod.Patch, "/api/users/me", BigJson("bio"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task CreatePost_BodyJustUnderTheLimit_IsReadAndJudgedOnItsText()
    {
        // 60 KB of JSON is within the 64 KB default: the request is read, and the text is then too long.
        var (client, _) = await api.SignUpAsync("big");

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/posts", $$"""{"text":"{{new string('x', 60_000)}}"}""");

        await ApiAssert.ValidationProblemAsync(response, "text");
    }

    [Fact]
    public async Task Problem_ServerErrors_NeverShowAStackTrace()
    {
        // Every problem the suite can provoke here is a client error; this pins down that none leaks internals.
        var (client, _) = await api.SignUpAsync("trace");
        var responses = new[]
        {
            await client.SendRawAsync(HttpMethod.Post, "/api/posts", """{"text":5}"""),
            await client.SendAsync(HttpMethod.Delete, "/api/posts/01J00000000000000000000000"),
            await api.CreateClient().GetPathAsync("/api/nothing"),
        };

        foreach (var response in responses)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        }
    }

    private static string BigJson(string field) => $$"""{"{{field}}":"{{new string('x', TwoMegabytes)}}"}""";
}
