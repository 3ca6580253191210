using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Users;

public sealed class ProfileTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task UpdateProfile_DisplayNameAndBio_Returns200WithTheUpdatedUser()
    {
        var (client, handle) = await api.SignUpAsync("profile");

        var response = await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { displayName = "New Name", bio = "I write tests.\nMostly." });

        var user = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        ApiAssert.IsUser(user, handle);
        Assert.Equal("New Name", ApiAssert.String(user, "displayName"));
        Assert.Equal("I write tests.\nMostly.", ApiAssert.String(user, "bio"));
        var fetched = await api.CreateClient().GetUserAsync(handle);
        Assert.Equal("New Name", ApiAssert.String(fetched, "displayName"));
        Assert.Equal("I write tests.\nMostly.", ApiAssert.String(fetched, "bio"));
    }

    [Fact]
    public async Task UpdateProfile_OnlyBio_KeepsTheDisplayName()
    {
        var (client, handle) = await api.SignUpAsync("profile");

        var user = await ApiAssert.JsonAsync(await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { bio = "just a bio" }), HttpStatusCode.OK);

        Assert.Equal(handle.ToUpperInvariant(), ApiAssert.String(user, "displayName"));
        Assert.Equal("just a bio", ApiAssert.String(user, "bio"));
    }

    [Fact]
    public async Task UpdateProfile_EmptyObject_Returns200AndChangesNothing()
    {
        var (client, handle) = await api.SignUpAsync("profile");

        var user = await ApiAssert.JsonAsync(await client.SendRawAsync(HttpMethod.Patch, "/api/users/me", "{}"), HttpStatusCode.OK);

        Assert.Equal(handle.ToUpperInvariant(), ApiAssert.String(user, "displayName"));
        Assert.Equal("", ApiAssert.String(user, "bio"));
    }

    [Fact]
    public async Task UpdateProfile_BioOf161Characters_Returns400AndChangesNothing()
    {
        var (client, handle) = await api.SignUpAsync("profile");
        var before = await api.Factory.EventsAppendedByAsync(handle);

        var response = await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { displayName = "Changed", bio = new string('b', 161) });

        await ApiAssert.ValidationProblemAsync(response, "bio");
        var user = await api.CreateClient().GetUserAsync(handle);
        Assert.Equal(handle.ToUpperInvariant(), ApiAssert.String(user, "displayName"));
        Assert.Equal("", ApiAssert.String(user, "bio"));
        Assert.Equal(before, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("line\nbreak")]
    public async Task UpdateProfile_InvalidDisplayName_Returns400WithDisplayNameError(string displayName)
    {
        var (client, handle) = await api.SignUpAsync("profile");

        await ApiAssert.ValidationProblemAsync(await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { displayName }), "displayName");

        Assert.Equal(handle.ToUpperInvariant(), ApiAssert.String(await api.CreateClient().GetUserAsync(handle), "displayName"));
    }

    [Theory]
    [InlineData("bio")]
    [InlineData("displayName")]
    public async Task UpdateProfile_TextWithUFFFE_IsUpdatedOrRejectedNotAServerError(string field)
    {
        var (client, _) = await api.SignUpAsync("profile");

        var response = await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new Dictionary<string, string> { [field] = "odd \uFFFE text" });

        await ApiAssert.SucceedsOrNamesFieldAsync(response, HttpStatusCode.OK, field);
    }

    [Theory]
    [InlineData("""{"bio":5}""", "bio")]
    [InlineData("""{"displayName":{"first":"a"}}""", "displayName")]
    [InlineData("""{"displayName":true}""", "displayName")]
    public async Task UpdateProfile_WrongJsonType_Returns400WithThatField(string json, string field)
    {
        var (client, _) = await api.SignUpAsync("profile");

        await ApiAssert.ValidationProblemAsync(await client.SendRawAsync(HttpMethod.Patch, "/api/users/me", json), field);
    }

    [Fact]
    public async Task UpdateProfile_WithoutToken_Returns401()
    {
        var response = await api.CreateClient().SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { bio = "anonymous" });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UpdateProfile_TokenOfUnregisteredHandle_Returns401()
    {
        var client = api.Factory.CreateClient(SocialApiFactory.MintToken(Handles.Unique("ghost")));

        var response = await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { bio = "boo" });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
