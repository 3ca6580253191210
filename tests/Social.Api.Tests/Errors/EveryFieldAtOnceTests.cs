using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Errors;

/// <summary>A request with several invalid fields hears about all of them in one 400, bodies and query parameters alike.</summary>
public sealed class EveryFieldAtOnceTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Registration_BadHandleShortPasswordNoName_NamesAllThree()
    {
        var response = await api.CreateClient().PostJsonAsync("/api/users", new { handle = "x!", displayName = " ", password = "short" });

        await ApiAssert.ValidationProblemAsync(response, "handle", "displayName", "password");
    }

    [Fact]
    public async Task PasswordChange_NoCurrentAndABadNewPassword_NamesBoth()
    {
        var (client, _) = await api.SignUpAsync("changer");

        var response = await client.SendJsonAsync(HttpMethod.Put, "/api/users/me/password", new { newPassword = "short" });

        await ApiAssert.ValidationProblemAsync(response, "currentPassword", "newPassword");
    }

    [Theory]
    [InlineData("/api/tags/123/posts?limit=abc&cursor=nope", new[] { "tag", "limit", "cursor" })]
    [InlineData("/api/timelines/home?limit=0&cursor=nope&since=nope", new[] { "limit", "cursor", "since" })]
    [InlineData("/api/notifications?limit=101&since=nope", new[] { "limit", "since" })]
    public async Task Lists_SeveralBadQueryParameters_NamesEveryOne(string path, string[] fields)
    {
        var (client, _) = await api.SignUpAsync("reader");

        await ApiAssert.ValidationProblemAsync(await client.GetPathAsync(path), fields);
    }
}
