using System.Diagnostics;
using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Accounts;

/// <summary>API.md, "Account security": <c>PUT /api/users/me/password</c>.</summary>
public sealed class PasswordChangeTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Old = SocialApiFactory.DefaultPassword;
    private const string New = "a brand new passphrase";

    [Fact]
    public async Task ChangePassword_OldTokensRefusedWithin2s_NewPasswordSignsIn_OldDoesNot()
    {
        var (client, handle) = await api.SignUpAsync("changer");
        var otherSession = api.Factory.CreateClient(client.DefaultRequestHeaders.Authorization!.Parameter!);
        await ApiAssert.JsonAsync(await otherSession.ReadHomeAsync(), HttpStatusCode.OK);

        var response = await client.ChangePasswordAsync(Old, New);
        var since = Stopwatch.StartNew();

        await ApiAssert.NoContentAsync(response);
        await AccountAssert.RefusedWithinBoundAsync(otherSession, since);
        await ApiAssert.ProblemAsync(await client.ReadHomeAsync(), HttpStatusCode.Unauthorized);
        var anonymous = api.CreateClient();
        await ApiAssert.ProblemAsync(await anonymous.SignInAsync(handle, Old), HttpStatusCode.Unauthorized);
        var token = ApiAssert.String(await ApiAssert.JsonAsync(await anonymous.SignInAsync(handle, New), HttpStatusCode.OK), "accessToken");
        await ApiAssert.JsonAsync(await api.Factory.CreateClient(token).ReadHomeAsync(), HttpStatusCode.OK);
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPassword_Is403AndChangesNothing()
    {
        var (client, handle) = await api.SignUpAsync("typo");
        var events = await api.Factory.EventsInStreamAsync($"user-{handle}");

        var response = await client.ChangePasswordAsync("not the password", New);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(events, await api.Factory.EventsInStreamAsync($"user-{handle}"));
        await ApiAssert.JsonAsync(await client.ReadHomeAsync(), HttpStatusCode.OK);
        await ApiAssert.JsonAsync(await api.CreateClient().SignInAsync(handle, Old), HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"currentPassword":"correct horse battery","newPassword":"short"}""", "newPassword")]
    [InlineData("""{"newPassword":"a brand new passphrase"}""", "currentPassword")]
    [InlineData("""{"currentPassword":"correct horse battery"}""", "newPassword")]
    public async Task ChangePassword_BadBody_Is400NamingTheFieldAndChangesNothing(string body, string field)
    {
        var (client, handle) = await api.SignUpAsync("badbody");
        var events = await api.Factory.EventsInStreamAsync($"user-{handle}");

        await ApiAssert.ValidationProblemAsync(await client.SendRawAsync(HttpMethod.Put, "/api/users/me/password", body), field);

        Assert.Equal(events, await api.Factory.EventsInStreamAsync($"user-{handle}"));
        await ApiAssert.JsonAsync(await client.ReadHomeAsync(), HttpStatusCode.OK);
    }

    [Fact]
    public async Task ChangePassword_WithoutAToken_Is401()
    {
        await ApiAssert.ProblemAsync(await api.CreateClient().ChangePasswordAsync(Old, New), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPasswords_CountTowardsTheHandlesSignInLimit()
    {
        var (client, handle) = await api.SignUpAsync("guesser");
        for (var i = 0; i < 10; i++)
        {
            await ApiAssert.ProblemAsync(await client.ChangePasswordAsync($"guess {i} of a stolen token", New), HttpStatusCode.Forbidden);
        }

        var locked = await client.ChangePasswordAsync(Old, New);

        await ApiAssert.ProblemAsync(locked, HttpStatusCode.TooManyRequests);
        Assert.NotNull(locked.Headers.RetryAfter);
        await ApiAssert.ProblemAsync(await api.CreateClient().SignInAsync(handle, Old), HttpStatusCode.TooManyRequests);
    }
}
