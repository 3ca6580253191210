using System.Net;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Outages;

/// <summary>A host over PostgreSQL and Redis servers of its own, which the tests stop and start again.</summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    private PostgresServer? _postgres;
    private RedisServer? _redis;
    private SocialApiFactory? _host;

    private PostgresServer Postgres => _postgres!;

    private SocialApiFactory Host => _host!;

    public async ValueTask InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        _redis = await RedisServer.StartAsync();
        _host = SocialApiFactory.Start(await _postgres.CreateDatabaseAsync("outage"), _redis.ConnectionString);
    }

    [Fact]
    public async Task Write_PostgresDown_Returns503WithRetryAfterAndWritesNothingThenRecovers()
    {
        var handle = Handles.Unique("writer");
        var writer = await Host.SignUpAsync(handle);
        var before = await writer.CreatePostIdAsync("before the outage");

        await Postgres.StopAsync();
        var during = await writer.PostJsonAsync("/api/posts", new { text = "during the outage" });
        var problem = await ApiAssert.ProblemAsync(during, HttpStatusCode.ServiceUnavailable);
        Assert.True(during.Headers.RetryAfter is not null, "a 503 carries Retry-After");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));

        await Postgres.StartAgainAsync();
        var after = await RetryUntilAsync(() => writer.PostJsonAsync("/api/posts", new { text = "after the outage" }), HttpStatusCode.Created);

        var events = await Host.EventsAppendedByAsync(handle);
        Assert.Equal(2, events);
        Assert.NotEqual(before, ApiAssert.String(await ApiAssert.JsonAsync(after, HttpStatusCode.Created), "id"));
    }

    [Fact]
    public async Task Ready_PostgresDown_Returns503NamingPostgresWhileLiveStays200_ThenReadyAgain()
    {
        var client = Host.CreateClient();
        await Postgres.StopAsync();
        try
        {
            var ready = await client.GetPathAsync("/health/ready");
            var body = await ApiAssert.JsonAsync(ready, HttpStatusCode.ServiceUnavailable);
            Assert.True(ready.Headers.RetryAfter is not null);
            Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
            Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync("/health/live")).StatusCode);
        }
        finally
        {
            await Postgres.StartAgainAsync();
        }

        await RetryUntilAsync(() => client.GetPathAsync("/health/ready"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_RedisDown_Returns503NamingRedis_ThenReadyAgain()
    {
        var client = Host.CreateClient();
        await _redis!.StopAsync();
        try
        {
            var body = await ApiAssert.JsonAsync(await client.GetPathAsync("/health/ready"), HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
            Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
        }
        finally
        {
            await _redis.StartAgainAsync();
        }

        await RetryUntilAsync(() => client.GetPathAsync("/health/ready"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignIn_RedisDown_Returns503WithRetryAfter_ThenSignsInAgain()
    {
        // The count of a handle's wrong passwords lives in Redis: without it, sign-in is refused rather than unlimited.
        var handle = Handles.Unique("signin");
        await Host.SignUpAsync(handle);
        var client = Host.CreateClient();
        var credentials = new { handle, password = SocialApiFactory.DefaultPassword };

        await _redis!.StopAsync();
        try
        {
            var response = await client.PostJsonAsync("/api/auth/token", credentials);

            await ApiAssert.ProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.True(response.Headers.RetryAfter is not null, "a 503 carries Retry-After");
        }
        finally
        {
            await _redis.StartAgainAsync();
        }

        await ApiAssert.JsonAsync(await RetryUntilAsync(() => client.PostJsonAsync("/api/auth/token", credentials), HttpStatusCode.OK), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Redis_Down_ReadsReturn503AndWritesStillCommit()
    {
        var handle = Handles.Unique("reader");
        var client = await Host.SignUpAsync(handle);
        string? written;

        await _redis!.StopAsync();
        try
        {
            var read = await client.GetPathAsync("/api/timelines/home");
            await ApiAssert.ProblemAsync(read, HttpStatusCode.ServiceUnavailable);
            Assert.True(read.Headers.RetryAfter is not null, "a 503 carries Retry-After");

            var write = await client.PostJsonAsync("/api/posts", new { text = "while Redis is down" });
            written = ApiAssert.String(await ApiAssert.JsonAsync(write, HttpStatusCode.Created), "id");
            Assert.Equal(1, await Host.EventsAppendedByAsync(handle));
        }
        finally
        {
            await _redis.StartAgainAsync();
        }

        // Nothing to do by hand: the projection retries, and the post written meanwhile reaches the timeline.
        await EventuallyInHomeTimelineAsync(client, written);
    }

    [Fact]
    public async Task Postgres_Down_TimelineReadsStillServedFromRedis_AndWritesCatchUpAfter()
    {
        var client = await Host.SignUpAsync(Handles.Unique("reader"));
        var before = await client.CreatePostIdAsync("before the outage");
        await EventuallyInHomeTimelineAsync(client, before);

        await Postgres.StopAsync();
        try
        {
            var read = await ApiAssert.JsonAsync(await client.GetPathAsync("/api/timelines/home"), HttpStatusCode.OK);
            Assert.Contains(read.GetProperty("items").EnumerateArray(), post => post.GetProperty("id").GetString() == before);
        }
        finally
        {
            await Postgres.StartAgainAsync();
        }

        var after = await RetryUntilAsync(() => client.PostJsonAsync("/api/posts", new { text = "after the outage" }), HttpStatusCode.Created);
        await EventuallyInHomeTimelineAsync(client, ApiAssert.String(await ApiAssert.JsonAsync(after, HttpStatusCode.Created), "id"));
    }

    // Reads may answer 503 for a moment while the connection to a store that came back is re-established.
    private static async Task EventuallyInHomeTimelineAsync(HttpClient client, string? postId)
    {
        Assert.NotNull(postId);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await client.GetPathAsync("/api/timelines/home?limit=100");
            if (response.StatusCode == HttpStatusCode.OK &&
                (await ApiAssert.JsonAsync(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Any(post => post.GetProperty("id").GetString() == postId))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{postId} did not reach the home timeline within 30 s");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<HttpResponseMessage> RetryUntilAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await send();
            if (response.StatusCode == expected || DateTime.UtcNow > deadline)
            {
                return response;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
