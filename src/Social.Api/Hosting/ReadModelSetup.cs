using Social.Abstractions.ReadModels;
using Social.Api.Timelines;
using Social.Infrastructure.ReadModels;
using StackExchange.Redis;

namespace Social.Api.Hosting;

/// <summary>Redis and the read models kept in it.</summary>
internal static class ReadModelSetup
{
    public static void AddSocialReadModels(this IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new InvalidOperationException("ConnectionStrings:Redis is not set (ConnectionStrings__Redis). The README's run command sets it.");
        }

        // abortConnect=false: the host starts, and keeps serving writes, while Redis is down; reads answer 503 until it returns.
        var options = ConfigurationOptions.Parse(redis);
        options.AbortOnConnectFail = false;
        // For INFO (Redis's memory on the admin page); nothing here sends a destructive admin command.
        options.AllowAdmin = true;
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        services.AddOptions<TimelineOptions>().Bind(configuration.GetSection(TimelineOptions.Section));
        services.AddSingleton<IProjectionStore, RedisProjectionStore>();
        services.AddSingleton<IReadModelQueries, RedisReadModelQueries>();
        services.AddSingleton<TimelineReader>();
    }
}
