using Social.Abstractions.EventStore;
using StackExchange.Redis;

namespace Social.Infrastructure.ReadModels;

/// <summary>
/// Turns Redis failures that say "not now" into <see cref="StoreUnavailableException"/>, which the API answers with 503
/// and <c>Retry-After</c>: a lost connection or a timeout, and the replies of a server that is up but cannot serve
/// (<see cref="IsUnavailableReply"/>). Other server errors are faults of the call and stay what they are.
/// </summary>
public static class RedisCalls
{
    // Out of memory, busy with a long script, loading its data set, a read-only replica, or a cluster without a
    // reachable master for the slot: each clears by itself or by an operator, none by changing the request.
    private static readonly string[] s_unavailableReplies = ["OOM", "BUSY", "LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN"];

    /// <summary>True for the error replies of a server that cannot serve just now.</summary>
    public static bool IsUnavailableReply(RedisServerException exception) =>
        s_unavailableReplies.Any(code => exception.Message.StartsWith(code + " ", StringComparison.Ordinal) || exception.Message == code);

    public static async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or ObjectDisposedException
                                   || (e is RedisServerException server && IsUnavailableReply(server)))
        {
            throw new StoreUnavailableException("Redis", e);
        }
    }

    /// <summary>Commands sent together on one batch and answered together: one round trip for them all.</summary>
    public static Task<T[]> RunBatchAsync<T>(IDatabase db, Func<IBatch, IEnumerable<Task<T>>> commands)
    {
        var batch = db.CreateBatch();
        var pending = commands(batch).ToArray();
        return RunAsync(() =>
        {
            batch.Execute();
            return Task.WhenAll(pending);
        });
    }

    public static async Task RunAsync(Func<Task> call) => await RunAsync(async () =>
    {
        await call();
        return true;
    });
}
