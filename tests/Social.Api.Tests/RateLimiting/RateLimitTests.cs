using System.Net;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.RateLimiting;

/// <summary>
/// A host that allows three writes per caller per hour, five sign-in attempts per address per hour, and two wrong
/// passwords per handle per three seconds.
/// </summary>
public sealed class RateLimitedApiFixture(StoresFixture stores) : ApiFixture(stores)
{
    public const int WritesPerWindow = 3;
    public const int AnonymousReadsPerWindow = 4;
    public const int SignInsPerAddress = 5;
    public const int FailuresPerHandle = 2;
    public static readonly TimeSpan HandleWindow = TimeSpan.FromSeconds(3);

    private int _lastAddress;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Social:RateLimit:WritesPerWindow"] = WritesPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Social:RateLimit:Window"] = "01:00:00",
        ["Social:RateLimit:AnonymousReadsPerWindow"] = AnonymousReadsPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Social:SignIn:AttemptsPerAddress"] = SignInsPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Social:SignIn:AddressWindow"] = "01:00:00",
        ["Social:SignIn:FailuresPerHandle"] = FailuresPerHandle.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Social:SignIn:HandleWindow"] = HandleWindow.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// A client connecting from a loopback address no other test uses: before sign-in the limit is kept per client
    /// address, and every test needs an allowance of its own.
    /// </summary>
    public HttpClient CreateClientFromNewAddress() =>
        Factory.CreateClientFrom(IPAddress.Parse($"127.0.1.{Interlocked.Increment(ref _lastAddress)}"));
}

public sealed class RateLimitTests(RateLimitedApiFixture api) : IClassFixture<RateLimitedApiFixture>
{
    private const int Limit = RateLimitedApiFixture.WritesPerWindow;

    [Fact]
    public async Task AnonymousReads_OneMoreThanTheLimit_Returns429_WhileSignedInReadsAndOtherAddressesGoOn()
    {
        var scanner = api.CreateClientFromNewAddress();
        for (var i = 0; i < RateLimitedApiFixture.AnonymousReadsPerWindow; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await scanner.GetPathAsync($"/api/users/unknown_{i}")).StatusCode);
        }

        var refused = await scanner.GetPathAsync("/api/users/unknown_next");
        await ApiAssert.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);

        // Signed-in reads are not counted, and another address has a bucket of its own.
        var reader = await SocialApiFactory.SignUpAsync(api.CreateClientFromNewAddress(), Handles.Unique("reader"));
        for (var i = 0; i <= RateLimitedApiFixture.AnonymousReadsPerWindow; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetPathAsync("/api/timelines/home")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await api.CreateClientFromNewAddress().GetPathAsync("/api/users/unknown_0")).StatusCode);
    }

    [Fact]
    public async Task CreatePost_OneMoreThanTheLimit_Returns429WithRetryAfterAndCreatesNothing()
    {
        var handle = Handles.Unique("limited");
        var client = await SocialApiFactory.SignUpAsync(api.CreateClientFromNewAddress(), handle);
        for (var i = 0; i < Limit; i++)
        {
            await client.CreatePostAsync($"post {i}");
        }

        var response = await client.PostJsonAsync("/api/posts", new { text = "one too many" });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests);
        var retryAfter = response.Headers.RetryAfter;
        Assert.NotNull(retryAfter);
        Assert.True(retryAfter.Delta is { } delta ? delta > TimeSpan.Zero : retryAfter.Date > DateTimeOffset.UtcNow, $"Retry-After: {retryAfter}");
        Assert.Equal(Limit, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task Writes_LimitIsShared_AcrossWriteEndpoints()
    {
        var handle = Handles.Unique("limited");
        var client = await SocialApiFactory.SignUpAsync(api.CreateClientFromNewAddress(), handle);
        var postId = await client.CreatePostIdAsync("first write");
        await ApiAssert.NoContentAsync(await client.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
        await client.CommentAsync(postId, "third write");

        await ApiAssert.ProblemAsync(await client.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/like"), HttpStatusCode.TooManyRequests);
        await ApiAssert.ProblemAsync(await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { bio = "x" }), HttpStatusCode.TooManyRequests);

        var post = await client.GetPostAsync(postId);
        Assert.Equal(1, ApiAssert.Count(post, "likes"));
        Assert.Equal(1, ApiAssert.Count(post, "comments"));
    }

    [Fact]
    public async Task Writes_ReadsAreNotLimited()
    {
        var client = await SocialApiFactory.SignUpAsync(api.CreateClientFromNewAddress(), Handles.Unique("reader"));
        var postId = await client.CreatePostIdAsync("read me");

        for (var i = 0; i < Limit * 3; i++)
        {
            await client.GetPostAsync(postId);
        }
    }

    [Fact]
    public async Task Writes_EachUserHasTheirOwnAllowance()
    {
        var first = await SocialApiFactory.SignUpAsync(api.CreateClientFromNewAddress(), Handles.Unique("first"));
        var (secondHandle, secondAddress) = (Handles.Unique("second"), api.CreateClientFromNewAddress());
        var second = await SocialApiFactory.SignUpAsync(secondAddress, secondHandle);
        for (var i = 0; i < Limit; i++)
        {
            await first.CreatePostAsync($"post {i}");
        }

        await ApiAssert.ProblemAsync(await first.PostJsonAsync("/api/posts", new { text = "limited" }), HttpStatusCode.TooManyRequests);

        await second.CreatePostAsync("still allowed");
    }

    [Fact]
    public async Task Register_BeyondTheLimitFromOneAddress_Returns429AndRegistersNothing()
    {
        var client = api.CreateClientFromNewAddress();
        for (var i = 0; i < Limit; i++)
        {
            await ApiAssert.JsonAsync(
                await client.PostJsonAsync("/api/users", new { handle = Handles.Unique("many"), displayName = "Many", password = SocialApiFactory.DefaultPassword }),
                HttpStatusCode.Created);
        }

        var handle = Handles.Unique("many");
        var response = await client.PostJsonAsync("/api/users", new { handle, displayName = "Many", password = SocialApiFactory.DefaultPassword });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.NotNull(response.Headers.RetryAfter);
        await ApiAssert.ProblemAsync(await client.GetPathAsync($"/api/users/{handle}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Token_BeyondItsOwnAllowanceFromOneAddress_Returns429WithRetryAfter_OtherAddressesStillSignIn()
    {
        // Sign-in has an allowance of its own: more sign-ins than the write limit, counted apart from the writes.
        var handle = Handles.Unique("signin");
        var client = api.CreateClientFromNewAddress();
        await ApiAssert.JsonAsync(
            await client.PostJsonAsync("/api/users", new { handle, displayName = "Sign In", password = SocialApiFactory.DefaultPassword }), HttpStatusCode.Created);
        for (var i = 0; i < RateLimitedApiFixture.SignInsPerAddress; i++)
        {
            await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/auth/token", new { handle, password = SocialApiFactory.DefaultPassword }), HttpStatusCode.OK);
        }

        var response = await client.PostJsonAsync("/api/auth/token", new { handle, password = SocialApiFactory.DefaultPassword });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.NotNull(response.Headers.RetryAfter);
        await ApiAssert.JsonAsync(
            await api.CreateClientFromNewAddress().PostJsonAsync("/api/auth/token", new { handle, password = SocialApiFactory.DefaultPassword }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Register_AfterFailedSignInsUsedUpTheAddresssSignInAllowance_IsNotBlocked()
    {
        var client = api.CreateClientFromNewAddress();
        for (var i = 0; i < RateLimitedApiFixture.SignInsPerAddress; i++)
        {
            // A different handle each time: this is about the address's allowance, not a handle's.
            var guess = new { handle = Handles.Unique("guess"), password = "a wrong password" };
            await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/auth/token", guess), HttpStatusCode.Unauthorized);
        }

        await ApiAssert.ProblemAsync(
            await client.PostJsonAsync("/api/auth/token", new { handle = Handles.Unique("guess"), password = "a wrong password" }), HttpStatusCode.TooManyRequests);

        for (var i = 0; i < Limit; i++)
        {
            var handle = Handles.Unique("after");
            await ApiAssert.JsonAsync(
                await client.PostJsonAsync("/api/users", new { handle, displayName = "After", password = SocialApiFactory.DefaultPassword }), HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task Token_HandleLockedByWrongPasswords_SignsInAgainOnceRetryAfterHasPassed()
    {
        var handle = Handles.Unique("window");
        var client = api.CreateClientFromNewAddress();
        await ApiAssert.JsonAsync(
            await client.PostJsonAsync("/api/users", new { handle, displayName = "Window", password = SocialApiFactory.DefaultPassword }), HttpStatusCode.Created);
        for (var i = 0; i < RateLimitedApiFixture.FailuresPerHandle; i++)
        {
            await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/auth/token", new { handle, password = $"wrong guess {i}" }), HttpStatusCode.Unauthorized);
        }

        var locked = await client.PostJsonAsync("/api/auth/token", new { handle, password = SocialApiFactory.DefaultPassword });

        await ApiAssert.ProblemAsync(locked, HttpStatusCode.TooManyRequests);
        var wait = locked.Headers.RetryAfter?.Delta;
        Assert.True(wait is { } w && w > TimeSpan.Zero && w <= RateLimitedApiFixture.HandleWindow, $"Retry-After: {locked.Headers.RetryAfter}");
        await Task.Delay(wait!.Value, TestContext.Current.CancellationToken);
        await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/auth/token", new { handle, password = SocialApiFactory.DefaultPassword }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task CreatePost_IdempotentReplayBeyondTheLimit_StillReturnsTheFirstResult()
    {
        var handle = Handles.Unique("replay");
        var client = await SocialApiFactory.SignUpAsync(api.CreateClientFromNewAddress(), handle);
        var key = Guid.NewGuid().ToString();
        var first = await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/posts", new { text = "keyed" }, key), HttpStatusCode.Created);
        for (var i = 1; i < Limit; i++)
        {
            await client.CreatePostAsync($"post {i}");
        }

        var replay = await client.PostJsonAsync("/api/posts", new { text = "keyed" }, key);

        // A replay writes nothing, so it is not refused for writing too much; either way nothing new is written.
        Assert.True(replay.StatusCode is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"got {(int)replay.StatusCode}");
        if (replay.StatusCode == HttpStatusCode.Created)
        {
            Assert.Equal(ApiAssert.String(first, "id"), ApiAssert.String(await ApiAssert.JsonAsync(replay, HttpStatusCode.Created), "id"));
        }

        Assert.Equal(Limit, await api.Factory.EventsAppendedByAsync(handle));
    }
}
