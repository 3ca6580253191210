using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Users;

public sealed class FollowTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Follow_ExistingUser_Returns204AndCountsInFollowing()
    {
        var (alice, aliceHandle) = await api.SignUpAsync("alice");
        var (_, bob) = await api.SignUpAsync("bob");

        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Put, $"/api/users/me/following/{bob}"));

        Assert.Equal(1, ApiAssert.Count(await alice.GetUserAsync(aliceHandle), "following"));
    }

    [Fact]
    public async Task Follow_Twice_Returns204AndCountsOnce()
    {
        var (alice, aliceHandle) = await api.SignUpAsync("alice");
        var (_, bob) = await api.SignUpAsync("bob");

        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Put, $"/api/users/me/following/{bob}"));
        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Put, $"/api/users/me/following/{bob}"));
        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Put, $"/api/users/me/following/{bob.ToUpperInvariant()}"));

        Assert.Equal(1, ApiAssert.Count(await alice.GetUserAsync(aliceHandle), "following"));
    }

    [Fact]
    public async Task Follow_TwoUsers_CountsBoth()
    {
        var (alice, aliceHandle) = await api.SignUpAsync("alice");
        var (_, bob) = await api.SignUpAsync("bob");
        var (_, carol) = await api.SignUpAsync("carol");

        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Put, $"/api/users/me/following/{bob}"));
        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Put, $"/api/users/me/following/{carol}"));

        Assert.Equal(2, ApiAssert.Count(await alice.GetUserAsync(aliceHandle), "following"));
    }

    [Fact]
    public async Task Unfollow_FollowedUser_Returns204AndDecrementsFollowing()
    {
        var (alice, aliceHandle) = await api.SignUpAsync("alice");
        var (_, bob) = await api.SignUpAsync("bob");
        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Put, $"/api/users/me/following/{bob}"));

        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Delete, $"/api/users/me/following/{bob}"));

        Assert.Equal(0, ApiAssert.Count(await alice.GetUserAsync(aliceHandle), "following"));
    }

    [Fact]
    public async Task Unfollow_UserNotFollowed_Returns204()
    {
        var (alice, aliceHandle) = await api.SignUpAsync("alice");
        var (_, bob) = await api.SignUpAsync("bob");

        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Delete, $"/api/users/me/following/{bob}"));
        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Delete, $"/api/users/me/following/{bob}"));

        Assert.Equal(0, ApiAssert.Count(await alice.GetUserAsync(aliceHandle), "following"));
    }

    [Fact]
    public async Task Follow_Self_Returns400AndChangesNothing()
    {
        var (alice, aliceHandle) = await api.SignUpAsync("alice");
        var before = await api.Factory.EventsAppendedByAsync(aliceHandle);

        await ApiAssert.ValidationProblemAsync(await alice.SendAsync(HttpMethod.Put, $"/api/users/me/following/{aliceHandle}"), "handle");
        await ApiAssert.ValidationProblemAsync(await alice.SendAsync(HttpMethod.Put, $"/api/users/me/following/{aliceHandle.ToUpperInvariant()}"), "handle");

        Assert.Equal(0, ApiAssert.Count(await alice.GetUserAsync(aliceHandle), "following"));
        Assert.Equal(before, await api.Factory.EventsAppendedByAsync(aliceHandle));
    }

    [Fact]
    public async Task Follow_UnknownUser_Returns404AndChangesNothing()
    {
        var (alice, aliceHandle) = await api.SignUpAsync("alice");
        var nobody = Handles.Unique("nobody");

        await ApiAssert.ProblemAsync(await alice.SendAsync(HttpMethod.Put, $"/api/users/me/following/{nobody}"), HttpStatusCode.NotFound);

        Assert.Equal(0, ApiAssert.Count(await alice.GetUserAsync(aliceHandle), "following"));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Follow_WithoutToken_Returns401(string method)
    {
        var (_, bob) = await api.SignUpAsync("bob");

        await ApiAssert.ProblemAsync(await api.CreateClient().SendAsync(new HttpMethod(method), $"/api/users/me/following/{bob}"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Follow_MalformedHandle_Returns4xxProblem(string method)
    {
        var (alice, _) = await api.SignUpAsync("alice");

        var response = await alice.SendAsync(new HttpMethod(method), "/api/users/me/following/not-a-handle!");

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"got {(int)response.StatusCode}");
        ApiAssert.ProblemBody(response, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
