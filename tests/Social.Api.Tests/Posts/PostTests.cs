using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Posts;

public sealed class PostTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    public static TheoryData<string> MalformedIds => new()
    {
        "abc",
        "not-a-post-id",
        "01J0000000000000000000000",   // 25 characters
        "01J000000000000000000000000", // 27 characters
        "01J0000000000000000000000U",  // U is not in the alphabet
        "8ZZZZZZZZZZZZZZZZZZZZZZZZZ",  // more than 128 bits
        "7ZZZZZZZZZZZZZZZZZZZZZZZZZ",  // a time past DateTimeOffset.MaxValue
        "%C3%BC1J00000000000000000000",
    };

    [Fact]
    public async Task Create_ValidText_Returns201WithPostAndLocation()
    {
        var (client, handle) = await api.SignUpAsync("author");

        var response = await client.PostJsonAsync("/api/posts", new { text = "Hello, world" });

        var post = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
        ApiAssert.IsPost(post, handle, "Hello, world");
        Assert.Equal(handle.ToUpperInvariant(), ApiAssert.String(ApiAssert.Property(post, "author"), "displayName"));
        Assert.Equal(0, ApiAssert.Count(post, "comments"));
        Assert.Equal(0, ApiAssert.Count(post, "likes"));
        Assert.Equal($"/api/posts/{ApiAssert.String(post, "id")}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Create_ThenGetLocation_Returns200WithTheSamePostForAnyone()
    {
        var (client, handle) = await api.SignUpAsync("author");
        var created = await client.PostJsonAsync("/api/posts", new { text = "readable by all" });
        var post = await ApiAssert.JsonAsync(created, HttpStatusCode.Created);

        var fetched = await ApiAssert.JsonAsync(await api.CreateClient().GetPathAsync(created.Headers.Location!.OriginalString), HttpStatusCode.OK);

        ApiAssert.IsPost(fetched, handle, "readable by all");
        Assert.Equal(ApiAssert.String(post, "id"), ApiAssert.String(fetched, "id"));
        Assert.Equal(ApiAssert.IsRecentUtc(post, "createdAt"), ApiAssert.IsRecentUtc(fetched, "createdAt"));
    }

    [Fact]
    public async Task Create_Twice_GivesIdsThatSortByCreationTime()
    {
        var (client, _) = await api.SignUpAsync("author");

        var first = await client.CreatePostIdAsync("first");
        var second = await client.CreatePostIdAsync("second");

        Assert.True(string.CompareOrdinal(first, second) < 0, $"{first} should sort before {second}");
    }

    [Fact]
    public async Task Create_TextWithSurroundingWhitespace_IsTrimmed()
    {
        var (client, handle) = await api.SignUpAsync("author");

        var post = await client.CreatePostAsync("  padded\n ");

        ApiAssert.IsPost(post, handle, "padded");
    }

    [Fact]
    public async Task Create_500Characters_Returns201()
    {
        var (client, handle) = await api.SignUpAsync("author");
        var text = new string('x', 500);

        ApiAssert.IsPost(await client.CreatePostAsync(text), handle, text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t \r\n")]
    [InlineData("\u0000")]
    [InlineData("bell\u0007")]
    public async Task Create_EmptyWhitespaceOrControlText_Returns400AndCreatesNothing(string text)
    {
        var (client, handle) = await api.SignUpAsync("author");
        var before = await api.Factory.EventsAppendedByAsync(handle);

        await ApiAssert.ValidationProblemAsync(await client.PostJsonAsync("/api/posts", new { text }), "text");

        Assert.Equal(before, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task Create_501Characters_Returns400AndCreatesNothing()
    {
        var (client, handle) = await api.SignUpAsync("author");
        var before = await api.Factory.EventsAppendedByAsync(handle);

        await ApiAssert.ValidationProblemAsync(await client.PostJsonAsync("/api/posts", new { text = new string('x', 501) }), "text");

        Assert.Equal(before, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"text":null}""")]
    [InlineData("""{"body":"the wrong field"}""")]
    public async Task Create_MissingText_Returns400WithTextError(string json)
    {
        var (client, handle) = await api.SignUpAsync("author");

        await ApiAssert.ValidationProblemAsync(await client.SendRawAsync(HttpMethod.Post, "/api/posts", json), "text");

        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Theory]
    [InlineData("""{"text":5}""")]
    [InlineData("""{"text":true}""")]
    [InlineData("""{"text":["a"]}""")]
    [InlineData("""{"text":{"value":"a"}}""")]
    [InlineData("""{"text":1e400}""")]
    public async Task Create_WrongJsonType_Returns400WithTextError(string json)
    {
        var (client, handle) = await api.SignUpAsync("author");

        await ApiAssert.ValidationProblemAsync(await client.SendRawAsync(HttpMethod.Post, "/api/posts", json), "text");

        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"text":"unterminated""")]
    [InlineData("""{"text":"a",}""")]
    [InlineData("text=hello")]
    [InlineData("[]")]
    [InlineData("\"just a string\"")]
    public async Task Create_MalformedJson_Returns400(string json)
    {
        var (client, handle) = await api.SignUpAsync("author");

        await ApiAssert.ProblemAsync(await client.SendRawAsync(HttpMethod.Post, "/api/posts", json), HttpStatusCode.BadRequest);

        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    public async Task Create_EmptyBody_Returns400(string json)
    {
        var (client, _) = await api.SignUpAsync("author");

        await ApiAssert.ProblemAsync(await client.SendRawAsync(HttpMethod.Post, "/api/posts", json), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_NoBodyAtAll_Returns4xxProblem()
    {
        var (client, _) = await api.SignUpAsync("author");

        var response = await client.SendAsync(HttpMethod.Post, "/api/posts");

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType, $"got {(int)response.StatusCode}");
        ApiAssert.ProblemBody(response, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Get_UnknownId_Returns404()
    {
        await ApiAssert.ProblemAsync(await api.CreateClient().GetPathAsync("/api/posts/01J00000000000000000000000"), HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(MalformedIds))]
    public async Task Get_MalformedId_Returns404(string id)
    {
        await ApiAssert.ProblemAsync(await api.CreateClient().GetPathAsync($"/api/posts/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_IdInLowerCase_ReturnsThePost()
    {
        var (client, _) = await api.SignUpAsync("author");
        var id = await client.CreatePostIdAsync("case of the id");

        var post = await api.CreateClient().GetPostAsync(id.ToLowerInvariant());

        Assert.Equal(id, ApiAssert.String(post, "id"));
    }

    [Fact]
    public async Task Delete_OwnPost_Returns204AndThePostIs404Afterwards()
    {
        var (client, _) = await api.SignUpAsync("author");
        var id = await client.CreatePostIdAsync("short-lived");

        await ApiAssert.NoContentAsync(await client.SendAsync(HttpMethod.Delete, $"/api/posts/{id}"));

        await ApiAssert.ProblemAsync(await api.CreateClient().GetPathAsync($"/api/posts/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_Twice_SecondIs404()
    {
        var (client, _) = await api.SignUpAsync("author");
        var id = await client.CreatePostIdAsync("gone");
        await ApiAssert.NoContentAsync(await client.SendAsync(HttpMethod.Delete, $"/api/posts/{id}"));

        await ApiAssert.ProblemAsync(await client.SendAsync(HttpMethod.Delete, $"/api/posts/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_SomeoneElsesPost_Returns403AndThePostStays()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (other, otherHandle) = await api.SignUpAsync("other");
        var id = await author.CreatePostIdAsync("mine");

        await ApiAssert.ProblemAsync(await other.SendAsync(HttpMethod.Delete, $"/api/posts/{id}"), HttpStatusCode.Forbidden);

        await api.CreateClient().GetPostAsync(id);
        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(otherHandle));
    }

    [Fact]
    public async Task Delete_AdministratorOnSomeoneElsesPost_Returns403()
    {
        // API.md gives administrators no power over posts: only the author may delete one.
        var (author, _) = await api.SignUpAsync("author");
        var admin = await AdminClientAsync();
        var id = await author.CreatePostIdAsync("not the admin's");

        await ApiAssert.ProblemAsync(await admin.SendAsync(HttpMethod.Delete, $"/api/posts/{id}"), HttpStatusCode.Forbidden);

        await api.CreateClient().GetPostAsync(id);
    }

    [Fact]
    public async Task Delete_UnknownPost_Returns404()
    {
        var (client, _) = await api.SignUpAsync("author");

        await ApiAssert.ProblemAsync(await client.SendAsync(HttpMethod.Delete, "/api/posts/01J00000000000000000000000"), HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(MalformedIds))]
    public async Task Delete_MalformedId_Returns404(string id)
    {
        var (client, _) = await api.SignUpAsync("author");

        await ApiAssert.ProblemAsync(await client.SendAsync(HttpMethod.Delete, $"/api/posts/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_TokenOfUnregisteredHandle_IsRejectedAndLeavesNoPost()
    {
        // A token whose subject has no account (a deleted user, a token minted elsewhere with the key) writes nothing.
        var ghost = Handles.Unique("ghost");
        var client = api.Factory.CreateClient(SocialApiFactory.MintToken(ghost));

        var response = await client.PostJsonAsync("/api/posts", new { text = "boo" });

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"got {(int)response.StatusCode}");
        ApiAssert.ProblemBody(response, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(ghost));
    }

    [Fact]
    public async Task Comment_TokenOfUnregisteredHandle_IsRejectedAndLeavesTheCountAlone()
    {
        var (author, _) = await api.SignUpAsync("author");
        var postId = await author.CreatePostIdAsync();
        var ghost = api.Factory.CreateClient(SocialApiFactory.MintToken(Handles.Unique("ghost")));

        var response = await ghost.PostJsonAsync($"/api/posts/{postId}/comments", new { text = "boo" });

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"got {(int)response.StatusCode}");
        ApiAssert.ProblemBody(response, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, ApiAssert.Count(await author.GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task Like_TokenOfUnregisteredHandle_IsRejectedAndLeavesTheCountAlone()
    {
        var (author, _) = await api.SignUpAsync("author");
        var postId = await author.CreatePostIdAsync();
        var ghost = api.Factory.CreateClient(SocialApiFactory.MintToken(Handles.Unique("ghost")));

        var response = await ghost.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like");

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"got {(int)response.StatusCode}");
        ApiAssert.ProblemBody(response, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, ApiAssert.Count(await author.GetPostAsync(postId), "likes"));
    }

    private async Task<HttpClient> AdminClientAsync()
    {
        var client = api.CreateClient();
        var registered = await client.PostJsonAsync("/api/users", new { handle = SocialApiFactory.Admin, displayName = "Admin", password = SocialApiFactory.DefaultPassword });
        Assert.True(registered.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        await api.Factory.GrantAdministratorAsync(SocialApiFactory.Admin);
        return api.Factory.CreateClient(SocialApiFactory.MintToken(SocialApiFactory.Admin));
    }
}
