using System.Net;
using System.Net.Http.Headers;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Auth;

public sealed class TokenTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Password = SocialApiFactory.DefaultPassword;

    // Every write of API.md that needs a bearer token; ids and handles need not exist, the token is checked first.
    public static TheoryData<string, string> ProtectedWrites => new()
    {
        { "PATCH", "/api/users/me" },
        { "PUT", "/api/users/me/following/somebody" },
        { "DELETE", "/api/users/me/following/somebody" },
        { "POST", "/api/posts" },
        { "DELETE", "/api/posts/01J00000000000000000000000" },
        { "POST", "/api/posts/01J00000000000000000000000/comments" },
        { "DELETE", "/api/posts/01J00000000000000000000000/comments/01J00000000000000000000001" },
        { "PUT", "/api/posts/01J00000000000000000000000/like" },
        { "DELETE", "/api/posts/01J00000000000000000000000/like" },
    };

    [Fact]
    public async Task Token_CorrectPassword_Returns200WithAccessTokenAndExpiresIn()
    {
        var handle = Handles.Unique("tok");
        await Register(handle);

        var token = await ApiAssert.JsonAsync(await api.CreateClient().PostJsonAsync("/api/auth/token", new { handle, password = Password }), HttpStatusCode.OK);

        Assert.False(string.IsNullOrWhiteSpace(ApiAssert.String(token, "accessToken")));
        Assert.InRange(ApiAssert.Count(token, "expiresIn"), 1, int.MaxValue);
    }

    [Fact]
    public async Task Token_Issued_AuthorizesWrites()
    {
        var handle = Handles.Unique("tok");
        await Register(handle);
        var token = await ApiAssert.JsonAsync(await api.CreateClient().PostJsonAsync("/api/auth/token", new { handle, password = Password }), HttpStatusCode.OK);
        var client = api.Factory.CreateClient(ApiAssert.String(token, "accessToken"));

        var user = await ApiAssert.JsonAsync(await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { bio = "signed in" }), HttpStatusCode.OK);

        Assert.Equal(handle, ApiAssert.String(user, "handle"));
    }

    [Fact]
    public async Task Token_HandleInOtherCase_Returns200()
    {
        var handle = Handles.Unique("tok");
        await Register(handle);

        var response = await api.CreateClient().PostJsonAsync("/api/auth/token", new { handle = handle.ToUpperInvariant(), password = Password });

        await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_WrongPassword_Returns401()
    {
        var handle = Handles.Unique("tok");
        await Register(handle);

        var response = await api.CreateClient().PostJsonAsync("/api/auth/token", new { handle, password = Password + "!" });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_PasswordInOtherCase_Returns401()
    {
        var handle = Handles.Unique("tok");
        await Register(handle);

        var response = await api.CreateClient().PostJsonAsync("/api/auth/token", new { handle, password = Password.ToUpperInvariant() });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("nobody_here_at_all")]
    [InlineData("not a handle")]
    [InlineData("x")]
    public async Task Token_UnknownHandle_Returns401(string handle)
    {
        var response = await api.CreateClient().PostJsonAsync("/api/auth/token", new { handle, password = Password });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("{}", "handle")]
    [InlineData("{}", "password")]
    [InlineData("""{"handle":"someone"}""", "password")]
    [InlineData("""{"password":"long enough password"}""", "handle")]
    [InlineData("""{"handle":5,"password":"long enough password"}""", "handle")]
    public async Task Token_MissingOrWrongTypedField_Returns400WithThatField(string json, string field)
    {
        var response = await api.CreateClient().SendRawAsync(HttpMethod.Post, "/api/auth/token", json);

        await ApiAssert.ValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Token_EmptyBody_Returns400()
    {
        await ApiAssert.ProblemAsync(await api.CreateClient().SendRawAsync(HttpMethod.Post, "/api/auth/token", ""), HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(ProtectedWrites))]
    public async Task Write_WithoutToken_Returns401Problem(string method, string path)
    {
        var response = await api.CreateClient().SendRawAsync(new HttpMethod(method), path, """{"text":"hi"}""");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [MemberData(nameof(ProtectedWrites))]
    public async Task Write_GarbageToken_Returns401Problem(string method, string path)
    {
        var client = api.Factory.CreateClient("this-is-not-a-jwt");

        await ApiAssert.ProblemAsync(await client.SendRawAsync(new HttpMethod(method), path, """{"text":"hi"}"""), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Write_TokenSignedWithAnotherKey_Returns401Problem()
    {
        var (_, handle) = await api.SignUpAsync("forged");
        var client = api.Factory.CreateClient(SocialApiFactory.MintToken(handle, signingKey: "a-different-key-that-is-also-long-enough-for-hmac"));

        await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/posts", new { text = "forged" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Write_ExpiredToken_Returns401Problem()
    {
        var (_, handle) = await api.SignUpAsync("expired");
        var client = api.Factory.CreateClient(SocialApiFactory.MintToken(handle, expires: DateTime.UtcNow.AddMinutes(-5)));

        await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/posts", new { text = "too late" }), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("another-issuer", "social")]
    [InlineData("social", "another-audience")]
    public async Task Write_TokenForAnotherIssuerOrAudience_Returns401Problem(string issuer, string audience)
    {
        var (_, handle) = await api.SignUpAsync("foreign");
        var client = api.Factory.CreateClient(SocialApiFactory.MintToken(handle, issuer: issuer, audience: audience));

        await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/posts", new { text = "from elsewhere" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Write_UnsignedToken_Returns401Problem()
    {
        var (_, handle) = await api.SignUpAsync("unsigned");
        var valid = SocialApiFactory.MintToken(handle);
        // The same header and claims with the signature cut off, and with "alg":"none".
        var parts = valid.Split('.');
        var none = Convert.ToBase64String("""{"alg":"none","typ":"JWT"}"""u8).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        foreach (var token in new[] { $"{parts[0]}.{parts[1]}.", $"{none}.{parts[1]}." })
        {
            var client = api.Factory.CreateClient(token);
            await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/posts", new { text = "unsigned" }), HttpStatusCode.Unauthorized);
        }
    }

    // JwtBearer's default explains in the header why a token failed ("The signature key was not found", the expiry
    // time): a forger learns what to change. The header only says which scheme to use.
    [Theory]
    [InlineData("expired")]
    [InlineData("anotherKey")]
    [InlineData("anotherIssuer")]
    [InlineData("garbage")]
    public async Task Write_RefusedToken_WwwAuthenticateGivesNoReason(string kind)
    {
        var (_, handle) = await api.SignUpAsync("reason");
        var token = kind switch
        {
            "expired" => SocialApiFactory.MintToken(handle, expires: DateTime.UtcNow.AddMinutes(-5)),
            "anotherKey" => SocialApiFactory.MintToken(handle, signingKey: "a-different-key-that-is-also-long-enough-for-hmac"),
            "anotherIssuer" => SocialApiFactory.MintToken(handle, issuer: "another-issuer"),
            _ => "this-is-not-a-jwt",
        };

        var response = await api.Factory.CreateClient(token).PostJsonAsync("/api/posts", new { text = "refused" });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        var header = Assert.Single(response.Headers.GetValues("WWW-Authenticate"));
        Assert.StartsWith("Bearer", header, StringComparison.Ordinal);
        Assert.DoesNotContain("error_description", header, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Write_ValidTokenMadeWithTheKey_Succeeds()
    {
        // The control for the tests above: a token minted the same way with the right key and times is accepted.
        var (_, handle) = await api.SignUpAsync("minted");
        var client = api.Factory.CreateClient(SocialApiFactory.MintToken(handle));

        await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/posts", new { text = "minted" }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Write_OtherAuthorizationScheme_Returns401Problem()
    {
        var (_, handle) = await api.SignUpAsync("basic");
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("user:pass"u8));

        await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/posts", new { text = handle }), HttpStatusCode.Unauthorized);
    }

    private async Task Register(string handle) =>
        await ApiAssert.JsonAsync(
            await api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName = "Token User", password = Password }), HttpStatusCode.Created);
}
