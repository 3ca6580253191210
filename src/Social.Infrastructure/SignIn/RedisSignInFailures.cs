using Microsoft.Extensions.DependencyInjection;
using Social.Abstractions.Users;
using Social.Domain.Ids;
using Social.Infrastructure.ReadModels;
using StackExchange.Redis;

namespace Social.Infrastructure.SignIn;

/// <summary>
/// Each handle's recent failures in the read models' Redis (outside their prefix: a rebuild does not forget them), as
/// a sorted set of attempt ids scored by when they began. One script decides and counts an attempt, so instances
/// cannot both slip under the limit, and times come from Redis's clock, one clock for every instance.
/// </summary>
public sealed class RedisSignInFailures(IConnectionMultiplexer redis) : ISignInFailures
{
    // KEYS[1]: the handle's failures. ARGV: the window (ms), the limit, the attempt. Drops what the window has left
    // behind; at the limit, answers how long (ms) until enough of the oldest drop out that one more fits; below it,
    // counts the attempt and keeps the set no longer than the window. 0: the attempt may go ahead.
    private const string Begin = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local window = tonumber(ARGV[1])
        local limit = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        local count = redis.call('ZCARD', KEYS[1])
        if count >= limit then
            local freeing = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
            return math.max(1, tonumber(freeing[2]) + window - now)
        end
        redis.call('ZADD', KEYS[1], now, ARGV[3])
        redis.call('PEXPIRE', KEYS[1], window)
        return 0
        """;

    private IDatabase Db => redis.GetDatabase();

    public async Task<TimeSpan?> TryBeginAsync(UserId user, string attempt, int limit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
        var wait = (long)await RedisCalls.RunAsync(() => Db.ScriptEvaluateAsync(
            Begin, [RedisKeys.SignInFailures(user)], [(long)window.TotalMilliseconds, limit, attempt]));
        return wait == 0 ? null : TimeSpan.FromMilliseconds(wait);
    }

    public Task ForgetAsync(UserId user, string attempt) =>
        RedisCalls.RunAsync(() => Db.SortedSetRemoveAsync(RedisKeys.SignInFailures(user), attempt));
}

/// <summary>Registers <see cref="RedisSignInFailures"/> over the Redis of <see cref="ReadModelSetup.AddRedisReadModels"/>.</summary>
public static class SignInFailuresSetup
{
    public static IServiceCollection AddRedisSignInFailures(this IServiceCollection services) =>
        services.AddSingleton<ISignInFailures, RedisSignInFailures>();
}
