using Social.Abstractions.RealTime;
using Social.Infrastructure.Configuration;
using Social.Infrastructure.RealTime;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace Social.Api.RealTime;

/// <summary>The feed hub, its Redis backplane, the presence the projections ask, and the notifier they push through.</summary>
internal static class RealTimeSetup
{
    /// <summary>Registers before the silo does, whose grains would otherwise see nobody connected and push to nobody.</summary>
    public static void AddSocialRealTime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRedisPresence(configuration);
        services.AddSingleton<FeedConnections>();
        services.AddSingleton<IFeedNotifier, SignalRFeedNotifier>();
        services.AddHostedService<PresenceRenewal>();
        services.AddSignalR().AddStackExchangeRedis(configuration.RequiredConnectionString("Redis"), backplane =>
        {
            backplane.Configuration.ChannelPrefix = RedisChannel.Literal("social:feed");
            // As for the read models: the host starts and keeps running while Redis is down.
            backplane.Configuration.AbortOnConnectFail = false;
        });
        // Pushes travel through the backplane's own connection: when it fails, pushes may be lost unseen, so every feed
        // connection is closed and its client resumes with ?since= (as PresenceRenewal does for the main connection).
        services.AddOptions<RedisOptions>().Configure<FeedConnections>((backplane, connections) =>
            backplane.ConnectionFactory = async log =>
            {
                var redis = await ConnectionMultiplexer.ConnectAsync(backplane.Configuration, log);
                redis.ConnectionFailed += (_, _) => connections.CloseAll();
                return redis;
            });
    }

    public static void MapFeedHub(this IEndpointRouteBuilder app) =>
        // A connection lives no longer than its token: the client reconnects with a fresh one.
        app.MapHub<FeedHub>(FeedHub.Path, options => options.CloseOnAuthenticationExpiration = true);
}
