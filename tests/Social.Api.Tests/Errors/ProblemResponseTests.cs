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
    [InlineData("GET", "/no-such-page")]
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

        var response = await SendBigAsync(client, HttpMethod.Post, "/api/posts", "text");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task CreatePost_TwoMegabyteBodyWithIdempotencyKey_Returns413Problem()
    {
        var (client, handle) = await api.SignUpAsync("big");

        var response = await SendBigAsync(client, HttpMethod.Post, "/api/posts", "text", Guid.NewGuid().ToString());

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task Register_TwoMegabyteBody_Returns413Problem()
    {
        var response = await SendBigAsync(api.CreateClient(), HttpMethod.Post, "/api/users", "displayName");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Token_TwoMegabyteBody_Returns413Problem()
    {
        var response = await SendBigAsync(api.CreateClient(), HttpMethod.Post, "/api/auth/token", "password");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Comment_TwoMegabyteBody_Returns413ProblemAndCreatesNothing()
    {
        var (client, _) = await api.SignUpAsync("big");
        var postId = await client.CreatePostIdAsync();

        var response = await SendBigAsync(client, HttpMethod.Post, $"/api/posts/{postId}/comments", "text");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, ApiAssert.Count(await client.GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task UpdateProfile_TwoMegabyteBody_Returns413Problem()
    {
        var (client, _) = await api.SignUpAsync("big");

        var response = await SendBigAsync(client, HttpMethod.Patch, "/api/users/me", "bio");

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

    // A write that expects JSON and gets no body at all: with the JSON content type and nothing after it, or with
    // neither. The framework's own answer names the handler's parameter and suggests it be a service.
    [Theory]
    [InlineData("POST", "/api/posts", "application/json")]
    [InlineData("POST", "/api/posts", null)]
    [InlineData("POST", "/api/posts/01J00000000000000000000000/comments", "application/json")]
    [InlineData("PATCH", "/api/users/me", null)]
    [InlineData("POST", "/api/users", "application/json")]
    [InlineData("POST", "/api/auth/token", null)]
    public async Task Write_NoBody_Returns400AskingForAJsonBody(string method, string path, string? contentType)
    {
        var (client, _) = await api.SignUpAsync("nobody");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (contentType is not null)
        {
            request.Content = new StringContent("", Encoding.UTF8, contentType);
        }

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var problem = await ApiAssert.PlainProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("JSON body", ApiAssert.String(problem, "detail"), StringComparison.Ordinal);
    }

    // API.md: lists page with ?limit=, default 20, at most 100. Whatever is wrong with it, the answer names limit in
    // plain words: not the framework's "Failed to bind parameter \"Nullable<int> limit\"".
    [Theory]
    [InlineData("/api/timelines/home", "1e9")]
    [InlineData("/api/timelines/home", "abc")]
    [InlineData("/api/timelines/home", "2147483648")]
    [InlineData("/api/timelines/home", "1.5")]
    [InlineData("/api/timelines/home", "0")]
    [InlineData("/api/timelines/home", "101")]
    [InlineData("/api/timelines/home", "-1")]
    [InlineData("/api/timelines/home", "")]
    [InlineData("/api/timelines/home", "5&limit=6")]
    [InlineData("/api/users/{me}/posts", "1e9")]
    [InlineData("/api/users/{me}/followers", "ten")]
    [InlineData("/api/users/{me}/following", "%00")]
    [InlineData("/api/posts/{post}/comments", "1e9")]
    public async Task List_LimitNotAWholeNumberFrom1To100_Returns400NamingLimit(string path, string limit)
    {
        var (client, handle) = await api.SignUpAsync("limits");
        var post = path.Contains("{post}", StringComparison.Ordinal) ? await client.CreatePostIdAsync() : "";

        var response = await client.GetPathAsync($"{path.Replace("{me}", handle, StringComparison.Ordinal).Replace("{post}", post, StringComparison.Ordinal)}?limit={limit}");

        var problem = await ApiAssert.ValidationProblemAsync(response, "limit");
        ApiAssert.InPlainWords(problem);
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("limit").EnumerateArray()).GetString();
        Assert.Equal("Limit must be a whole number from 1 to 100.", message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?limit=1")]
    [InlineData("?limit=100")]
    [InlineData("?limit=+5")]
    [InlineData("?limit=007")]
    public async Task List_LimitAbsentOrWithinRange_Returns200(string query)
    {
        var (client, _) = await api.SignUpAsync("limits");

        await ApiAssert.JsonAsync(await client.GetPathAsync($"/api/timelines/home{query}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Problem_Body_NeverShowsAStackTrace()
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

    // With "Expect: 100-continue", as clients send large bodies, the server can refuse the body before it is sent;
    // otherwise its early answer races the client's upload and the client may see a broken pipe instead.
    private static Task<HttpResponseMessage> SendBigAsync(HttpClient client, HttpMethod method, string path, string field, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent($$"""{"{{field}}":"{{new string('x', TwoMegabytes)}}"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        if (idempotencyKey is not null)
        {
            request.Headers.Add(SocialClient.IdempotencyKey, idempotencyKey);
        }

        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
