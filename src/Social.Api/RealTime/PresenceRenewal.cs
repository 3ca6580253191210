using Microsoft.Extensions.Options;
using Social.Abstractions.RealTime;
using Social.Infrastructure.RealTime;
using StackExchange.Redis;

namespace Social.Api.RealTime;

/// <summary>
/// Renews the presence of this instance's connected users well within its lifetime. And when the connection to Redis
/// fails, pushes (which travel through Redis) may be lost unseen: every feed connection is closed, so that clients
/// reconnect once Redis is back and fill their gap with <c>?since=</c> instead of silently missing posts.
/// </summary>
internal sealed class PresenceRenewal(
    FeedConnections connections, RedisPresence presence, IConnectionMultiplexer redis, IOptions<FeedOptions> options,
    ILogger<PresenceRenewal> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionFailed += CloseConnections;
        try
        {
            using var timer = new PeriodicTimer(options.Value.PresenceLifetime / 3);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await presence.MarkConnectedAsync(connections.Users);
                    await presence.ForgetExpiredAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Renewing the presence of {Count} feed connections failed", connections.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionFailed -= CloseConnections;
        }
    }

    private void CloseConnections(object? sender, ConnectionFailedEventArgs e)
    {
        if (connections.Count > 0)
        {
            logger.LogWarning("Redis connection failed ({FailureType}): closing {Count} feed connections so that clients resume", e.FailureType, connections.Count);
            connections.CloseAll();
        }
    }
}
