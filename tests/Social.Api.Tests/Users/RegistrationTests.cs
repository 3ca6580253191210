using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Users;

public sealed class RegistrationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Password = SocialApiFactory.DefaultPassword;

    public static TheoryData<string> InvalidHandles => new()
    {
        "ab",
        new string('a', 31),
        "with space",
        "dash-es",
        "dots.dots",
        "ünïcode",
        "emoji_😀",
        "",
        "   ",
        "a\u0000b",
        "\u212Aelvin", // the Kelvin sign lower-cases to an ASCII 'k'
    };

    [Fact]
    public async Task Register_ValidRequest_Returns201WithUserAndLocation()
    {
        var handle = Handles.Unique("reg");

        var response = await api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName = "Ada Lovelace", password = Password });

        var user = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
        ApiAssert.IsUser(user, handle);
        Assert.Equal("Ada Lovelace", ApiAssert.String(user, "displayName"));
        Assert.Equal("", ApiAssert.String(user, "bio"));
        Assert.Equal(0, ApiAssert.Count(user, "following"));
        Assert.Equal($"/api/users/{handle}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Register_ThenGetLocation_Returns200WithTheSameUser()
    {
        var handle = Handles.Unique("reg");
        var client = api.CreateClient();
        var created = await client.PostJsonAsync("/api/users", new { handle, displayName = "Grace", password = Password });
        var registered = await ApiAssert.JsonAsync(created, HttpStatusCode.Created);

        var fetched = await ApiAssert.JsonAsync(await client.GetPathAsync(created.Headers.Location!.OriginalString), HttpStatusCode.OK);

        ApiAssert.IsUser(fetched, handle);
        Assert.Equal("Grace", ApiAssert.String(fetched, "displayName"));
        Assert.Equal(ApiAssert.String(registered, "createdAt"), ApiAssert.String(fetched, "createdAt"));
    }

    [Fact]
    public async Task Register_UpperCaseHandle_IsStoredLowerCase()
    {
        var handle = Handles.Unique("Mixed_Case");

        var user = await ApiAssert.JsonAsync(
            await api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName = "Mixed", password = Password }), HttpStatusCode.Created);

        Assert.Equal(handle.ToLowerInvariant(), ApiAssert.String(user, "handle"));
        await api.CreateClient().GetUserAsync(handle.ToUpperInvariant());
    }

    [Theory]
    [MemberData(nameof(InvalidHandles))]
    public async Task Register_InvalidHandle_Returns400WithHandleError(string handle)
    {
        var response = await api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName = "Someone", password = Password });

        await ApiAssert.ValidationProblemAsync(response, "handle");
    }

    [Fact]
    public async Task Register_HandleOf3And30Characters_Returns201()
    {
        var suffix = Guid.NewGuid().ToString("N");
        foreach (var handle in new[] { suffix[..3], ("h" + suffix)[..30] })
        {
            var response = await api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName = "Edge", password = Password });

            ApiAssert.IsUser(await ApiAssert.JsonAsync(response, HttpStatusCode.Created), handle);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234567")]
    [InlineData("\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00")] // 8 UTF-16 units, but 4 characters
    public async Task Register_ShortPassword_Returns400WithPasswordError(string password)
    {
        var handle = Handles.Unique("pw");

        var response = await api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName = "Someone", password });

        await ApiAssert.ValidationProblemAsync(response, "password");
        await ApiAssert.ProblemAsync(await api.CreateClient().GetPathAsync($"/api/users/{handle}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Register_LongPassword_Returns400WithPasswordErrorAndNoUser()
    {
        var handle = Handles.Unique("pw");

        var response = await api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName = "Someone", password = new string('p', 129) });

        await ApiAssert.ValidationProblemAsync(response, "password");
        await ApiAssert.ProblemAsync(await api.CreateClient().GetPathAsync($"/api/users/{handle}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(128)]
    public async Task Register_PasswordAtTheLimits_Returns201AndSignsIn(int length)
    {
        var handle = Handles.Unique("pw");
        var password = new string('p', length);

        await ApiAssert.JsonAsync(
            await api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName = "Someone", password }), HttpStatusCode.Created);

        await ApiAssert.JsonAsync(await api.CreateClient().PostJsonAsync("/api/auth/token", new { handle, password }), HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("two\nlines")]
    [InlineData("012345678901234567890123456789012345678901234567890")] // 51
    public async Task Register_InvalidDisplayName_Returns400WithDisplayNameError(string displayName)
    {
        var handle = Handles.Unique("dn");

        var response = await api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName, password = Password });

        await ApiAssert.ValidationProblemAsync(response, "displayName");
        await ApiAssert.ProblemAsync(await api.CreateClient().GetPathAsync($"/api/users/{handle}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Register_DisplayNameWithUFFFE_IsCreatedOrRejectedNotAServerError()
    {
        var handle = Handles.Unique("dn");

        var response = await api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName = "odd \uFFFE name", password = Password });

        await ApiAssert.SucceedsOrNamesFieldAsync(response, HttpStatusCode.Created, "displayName");
    }

    [Fact]
    public async Task Register_TakenHandle_Returns409()
    {
        var handle = Handles.Unique("taken");
        var client = api.CreateClient();
        await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/users", new { handle, displayName = "First", password = Password }), HttpStatusCode.Created);

        var again = await client.PostJsonAsync("/api/users", new { handle, displayName = "Second", password = "another password" });

        await ApiAssert.ProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Equal("First", ApiAssert.String(await client.GetUserAsync(handle), "displayName"));
    }

    [Fact]
    public async Task Register_TakenHandleInOtherCase_Returns409AndKeepsTheFirstPassword()
    {
        var handle = Handles.Unique("alice");
        var client = api.CreateClient();
        await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/users", new { handle, displayName = "alice", password = Password }), HttpStatusCode.Created);

        var upper = await client.PostJsonAsync("/api/users", new { handle = handle.ToUpperInvariant(), displayName = "ALICE", password = "another password" });

        await ApiAssert.ProblemAsync(upper, HttpStatusCode.Conflict);
        await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/auth/token", new { handle, password = "another password" }), HttpStatusCode.Unauthorized);
        await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/auth/token", new { handle, password = Password }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Register_ConcurrentlyWithTheSameHandle_ExactlyOneSucceedsAndTheOthersConflict()
    {
        var handle = Handles.Unique("race");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName = $"Racer {i}", password = $"password number {i}" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await ApiAssert.ProblemAsync(conflict, HttpStatusCode.Conflict);
        }

        // The stored account is the winner's, whole: its display name and its password go together.
        var winner = await ApiAssert.JsonAsync(responses.Single(r => r.StatusCode == HttpStatusCode.Created), HttpStatusCode.Created);
        var name = ApiAssert.String(winner, "displayName");
        Assert.Equal(name, ApiAssert.String(await api.CreateClient().GetUserAsync(handle), "displayName"));
        var password = $"password number {name["Racer ".Length..]}";
        await ApiAssert.JsonAsync(await api.CreateClient().PostJsonAsync("/api/auth/token", new { handle, password }), HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("{}", "handle")]
    [InlineData("""{"displayName":"x","password":"long enough password"}""", "handle")]
    [InlineData("""{"handle":"missing_pw_x1","displayName":"x"}""", "password")]
    [InlineData("""{"handle":"missing_dn_x1","password":"long enough password"}""", "displayName")]
    [InlineData("""{"handle":null,"displayName":"x","password":"long enough password"}""", "handle")]
    public async Task Register_MissingField_Returns400WithThatField(string json, string field)
    {
        var response = await api.CreateClient().SendRawAsync(HttpMethod.Post, "/api/users", json);

        await ApiAssert.ValidationProblemAsync(response, field);
    }

    [Theory]
    [InlineData("""{"handle":5,"displayName":"x","password":"long enough password"}""", "handle")]
    [InlineData("""{"handle":"wrong_type_1","displayName":["x"],"password":"long enough password"}""", "displayName")]
    [InlineData("""{"handle":"wrong_type_2","displayName":"x","password":{"a":1}}""", "password")]
    [InlineData("""{"handle":"wrong_type_3","displayName":"x","password":12345678}""", "password")]
    public async Task Register_WrongJsonType_Returns400WithThatField(string json, string field)
    {
        var response = await api.CreateClient().SendRawAsync(HttpMethod.Post, "/api/users", json);

        await ApiAssert.ValidationProblemAsync(response, field);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"handle":"x",}""")]
    [InlineData("not json")]
    [InlineData("""{"handle":"abc" "displayName":"x"}""")]
    public async Task Register_MalformedJson_Returns400(string json)
    {
        var response = await api.CreateClient().SendRawAsync(HttpMethod.Post, "/api/users", json);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Register_EmptyBody_Returns400()
    {
        var response = await api.CreateClient().SendRawAsync(HttpMethod.Post, "/api/users", "");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Register_NotJson_Returns415()
    {
        var response = await api.CreateClient().SendRawAsync(HttpMethod.Post, "/api/users", "handle=abc", contentType: "application/x-www-form-urlencoded");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task GetUser_UnknownHandle_Returns404()
    {
        await ApiAssert.ProblemAsync(await api.CreateClient().GetPathAsync($"/api/users/{Handles.Unique("nobody")}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("not-a-handle")]
    [InlineData("%C3%BCber")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task GetUser_MalformedHandle_Returns404(string handle)
    {
        await ApiAssert.ProblemAsync(await api.CreateClient().GetPathAsync($"/api/users/{handle}"), HttpStatusCode.NotFound);
    }
}
