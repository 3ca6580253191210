using System.Net;
using Social.Api.Tests.Support;
using Social.Testing;
using StackExchange.Redis;
using Xunit;

namespace Social.Api.Tests.Outages;

/// <summary>
/// Redis that is up but cannot serve (here: busy with a script that does not end, so every other command gets a
/// <c>BUSY</c> reply) is an unavailable store: 503 with <c>Retry-After</c>, not a 500, and served again once it is free.
/// </summary>
public sealed class BusyRedisTests(BusyRedisTests.Fixture api) : IClassFixture<BusyRedisTests.Fixture>
{
    [Fact]
    public async Task Read_WhileRedisIsBusy_Returns503WithRetryAfter_ThenServedAgain()
    {
        var (client, _) = await api.SignUpAsync("reader");
        Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync("/api/timelines/home")).StatusCode);

        await using var admin = await ConnectionMultiplexer.ConnectAsync(api.RedisConnectionString + ",allowAdmin=true");
        var server = admin.GetServers().Single();
        await server.ExecuteAsync("CONFIG", "SET", "busy-reply-threshold", "100");
        // A script that never ends, sent on a connection of its own (it gets no answer until it is killed).
        await using var spinner = await ConnectionMultiplexer.ConnectAsync(api.RedisConnectionString);
        var spinning = spinner.GetDatabase().ScriptEvaluateAsync("while true do end return 1");
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
            var during = await client.GetPathAsync("/api/timelines/home");

            await ApiAssert.ProblemAsync(during, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(during.Headers.RetryAfter);
        }
        finally
        {
            await server.ExecuteAsync("SCRIPT", "KILL");
            await Assert.ThrowsAnyAsync<RedisException>(() => spinning);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync("/api/timelines/home")).StatusCode);
    }

    public sealed class Fixture(StoresFixture stores) : ApiFixture(stores)
    {
        protected override bool OwnRedis => true;
    }
}
