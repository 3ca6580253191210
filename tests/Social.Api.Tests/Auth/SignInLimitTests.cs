using System.Net;
using Social.Api.Tests.RealTime;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Auth;

/// <summary>
/// API.md, "Account security": after 10 wrong passwords for one handle within 15 minutes, that handle's sign-in answers
/// 429 with <c>Retry-After</c>, the right password included, while other handles from the same address still sign in.
/// The host runs the contract's defaults; only its per-address allowance is raised (SocialApiFactory), as every test
/// client connects from the same address.
/// </summary>
public sealed class SignInLimitTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const int Failures = 10;

    [Fact]
    public async Task Token_TenWrongPasswords_TheNextAttemptIs429WithRetryAfterEvenWithTheRightPassword()
    {
        var (_, handle) = await api.SignUpAsync("guessed");
        var client = api.CreateClient();

        // Nine wrong passwords leave the right one working: the limit is ten, not fewer.
        await FailAsync(client, handle, Failures - 1);
        await ApiAssert.JsonAsync(await SignInAsync(client, handle, SocialApiFactory.DefaultPassword), HttpStatusCode.OK);
        await FailAsync(client, handle, 1);

        var right = await SignInAsync(client, handle, SocialApiFactory.DefaultPassword);
        var wrong = await SignInAsync(client, handle, "one more guess");

        AssertRetryAfter(await ApiAssert.ProblemAsync(right, HttpStatusCode.TooManyRequests), right);
        AssertRetryAfter(await ApiAssert.ProblemAsync(wrong, HttpStatusCode.TooManyRequests), wrong);
    }

    [Fact]
    public async Task Token_OneHandleLocked_OtherHandlesFromTheSameAddressStillSignIn()
    {
        var (_, locked) = await api.SignUpAsync("locked");
        var (_, other) = await api.SignUpAsync("other");
        var client = api.CreateClient();
        await FailAsync(client, locked, Failures);

        var otherResponse = await SignInAsync(client, other, SocialApiFactory.DefaultPassword);

        await ApiAssert.JsonAsync(otherResponse, HttpStatusCode.OK);
        await ApiAssert.ProblemAsync(await SignInAsync(client, locked, SocialApiFactory.DefaultPassword), HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Token_HandleInAnotherCase_CountsAsTheSameHandle()
    {
        var (_, handle) = await api.SignUpAsync("cased");
        var client = api.CreateClient();
        await FailAsync(client, handle.ToUpperInvariant(), Failures / 2);
        await FailAsync(client, handle, Failures - (Failures / 2));

        var response = await SignInAsync(client, handle, SocialApiFactory.DefaultPassword);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Token_UnknownHandle_IsLimitedLikeAKnownOne()
    {
        // Otherwise a 429 would tell whoever guesses that the handle exists.
        var handle = Handles.Unique("nobody");
        var client = api.CreateClient();
        await FailAsync(client, handle, Failures);

        var response = await SignInAsync(client, handle, SocialApiFactory.DefaultPassword);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    internal static Task<HttpResponseMessage> SignInAsync(HttpClient client, string handle, string password) =>
        client.PostJsonAsync("/api/auth/token", new { handle, password });

    internal static async Task FailAsync(HttpClient client, string handle, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await ApiAssert.ProblemAsync(await SignInAsync(client, handle, $"wrong guess {i}"), HttpStatusCode.Unauthorized);
        }
    }

    internal static void AssertRetryAfter(System.Text.Json.JsonElement problem, HttpResponseMessage response)
    {
        var delta = response.Headers.RetryAfter?.Delta;
        Assert.True(delta is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(15), $"Retry-After: {response.Headers.RetryAfter}; {problem}");
    }
}

/// <summary>The per-handle count is kept where every instance sees it: failures on two instances add up.</summary>
public sealed class SignInLimitAcrossInstancesTests(TwoInstancesFixture instances) : IClassFixture<TwoInstancesFixture>
{
    [Fact]
    public async Task Token_WrongPasswordsSpreadOverTwoInstances_LockTheHandleOnBoth()
    {
        var handle = Handles.Unique("spread");
        await instances.First.SignUpAsync(handle);
        var (first, second) = (instances.First.CreateClient(), instances.Second.CreateClient());

        await SignInLimitTests.FailAsync(first, handle, 5);
        await SignInLimitTests.FailAsync(second, handle, 5);

        var onFirst = await SignInLimitTests.SignInAsync(first, handle, SocialApiFactory.DefaultPassword);
        var onSecond = await SignInLimitTests.SignInAsync(second, handle, SocialApiFactory.DefaultPassword);

        SignInLimitTests.AssertRetryAfter(await ApiAssert.ProblemAsync(onFirst, HttpStatusCode.TooManyRequests), onFirst);
        SignInLimitTests.AssertRetryAfter(await ApiAssert.ProblemAsync(onSecond, HttpStatusCode.TooManyRequests), onSecond);
    }
}
