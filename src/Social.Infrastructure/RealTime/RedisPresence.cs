using Microsoft.Extensions.Options;
using Social.Abstractions.RealTime;
using Social.Domain.Ids;
using Social.Infrastructure.ReadModels;
using StackExchange.Redis;

namespace Social.Infrastructure.RealTime;

/// <summary>
/// Who has a feed connection open, on any instance: one sorted set of handles scored by when their presence expires.
/// Instances renew their connected users' entries well before that, so an instance that dies takes its users with it
/// after <see cref="FeedOptions.PresenceLifetime"/>; a disconnect is left to expire too, as the same user may still be
/// connected elsewhere. The set lives outside the read models' prefix: a rebuild does not drop it.
/// </summary>
public sealed class RedisPresence(IConnectionMultiplexer redis, IOptions<FeedOptions> options, TimeProvider clock) : IFeedPresence
{
    private static readonly RedisKey Online = RedisKeys.Connected;

    private IDatabase Db => redis.GetDatabase();

    /// <summary>Marks the users connected for the next <see cref="FeedOptions.PresenceLifetime"/>.</summary>
    public Task MarkConnectedAsync(IReadOnlyCollection<UserId> users)
    {
        if (users.Count == 0)
        {
            return Task.CompletedTask;
        }

        var until = (clock.GetUtcNow() + options.Value.PresenceLifetime).ToUnixTimeMilliseconds();
        var entries = users.Select(user => new SortedSetEntry(user.Value, until)).ToArray();
        return RedisCalls.RunAsync(() => Db.SortedSetAddAsync(Online, entries, SortedSetWhen.GreaterThan));
    }

    /// <summary>Drops the expired entries of this set and of the recent readers' (RedisKeys), so both stay small.</summary>
    public Task ForgetExpiredAsync() => RedisCalls.RunAsync(() => Task.WhenAll(
        Db.SortedSetRemoveRangeByScoreAsync(Online, double.NegativeInfinity, Now(), Exclude.Stop),
        Db.SortedSetRemoveRangeByScoreAsync(RedisKeys.RecentReaders, double.NegativeInfinity, Now(), Exclude.Stop)));

    public async Task<IReadOnlyList<UserId>> ConnectedAsync(IReadOnlyList<UserId> users)
    {
        var members = users.Select(user => (RedisValue)user.Value).ToArray();
        var scores = await RedisCalls.RunAsync(() => Db.SortedSetScoresAsync(Online, members));
        var now = Now();
        return [.. users.Where((_, i) => scores[i] > now)];
    }

    /// <summary>The intersection is computed by Redis over the smaller of the two sets: offline followers cost nothing.</summary>
    public async Task<IReadOnlyList<UserId>> ConnectedFollowersAsync(UserId author)
    {
        var entries = await RedisCalls.RunAsync(() => Db.SortedSetCombineWithScoresAsync(
            SetOperation.Intersect, [RedisKeys.Followers(author), Online], [0, 1]));
        var now = Now();
        return [.. entries.Where(entry => entry.Score > now).Select(entry => new UserId(entry.Element!))];
    }

    private double Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
