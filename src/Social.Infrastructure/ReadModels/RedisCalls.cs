using Social.Abstractions.EventStore;
using StackExchange.Redis;

namespace Social.Infrastructure.ReadModels;

/// <summary>Turns Redis connection failures into <see cref="StoreUnavailableException"/>, which the API answers with 503.</summary>
internal static class RedisCalls
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or ObjectDisposedException)
        {
            throw new StoreUnavailableException("Redis", e);
        }
    }

    public static async Task RunAsync(Func<Task> call) => await RunAsync(async () =>
    {
        await call();
        return true;
    });
}
