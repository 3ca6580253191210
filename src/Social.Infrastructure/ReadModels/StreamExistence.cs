using Npgsql;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Domain.Ids;
using Social.Infrastructure.EventStore;
using StackExchange.Redis;

namespace Social.Infrastructure.ReadModels;

/// <summary>
/// Asks the read model first (one <c>EXISTS</c>: every projected user and post has its hash, a deleted post its
/// tombstone), and the event store only when that says no, since only the event store is sure: a user or post made a
/// moment ago may not be projected yet, a rebuild may be under way, or Redis may be down.
/// </summary>
public sealed class StreamExistence(IConnectionMultiplexer redis, NpgsqlDataSource events) : IStreamExistence
{
    private const string ExistsSql = "SELECT EXISTS (SELECT 1 FROM events WHERE stream_id = $1)";

    public async Task<bool> ExistsAsync(string streamId)
    {
        if (ReadModelKey(streamId) is { } key && await ProjectedAsync(key))
        {
            return true;
        }

        return await events.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(ExistsSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
            return (bool)(await command.ExecuteScalarAsync())!;
        }, CancellationToken.None);
    }

    private async Task<bool> ProjectedAsync(RedisKey key)
    {
        try
        {
            return await RedisCalls.RunAsync(() => redis.GetDatabase().KeyExistsAsync(key));
        }
        catch (StoreUnavailableException)
        {
            return false;
        }
    }

    private static RedisKey? ReadModelKey(string streamId) => EventStreams.Split(streamId) switch
    {
        (EventStreams.Users, var handle) => RedisKeys.User(new UserId(handle)),
        (EventStreams.Posts, var id) => RedisKeys.Post(new PostId(id)),
        _ => (RedisKey?)null,
    };
}
