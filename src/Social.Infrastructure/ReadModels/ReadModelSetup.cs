using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Social.Abstractions.Notifications;
using Social.Abstractions.ReadModels;
using Social.Infrastructure.Configuration;
using StackExchange.Redis;

namespace Social.Infrastructure.ReadModels;

/// <summary>Redis (<c>ConnectionStrings:Redis</c>) and the read models kept in it: the projections' store and the queries.</summary>
public static class ReadModelSetup
{
    public static IServiceCollection AddRedisReadModels(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ConfigurationOptions.Parse(configuration.RequiredConnectionString("Redis"));
        // abortConnect=false: the host starts, and keeps serving writes, while Redis is down; reads answer 503 until it returns.
        options.AbortOnConnectFail = false;
        // For INFO (Redis's memory on the admin page); nothing here sends a destructive admin command.
        options.AllowAdmin = true;
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        services.AddValidatedOptions<TimelineOptions>(configuration, TimelineOptions.Section);
        services.AddSingleton<IProjectionStore, RedisProjectionStore>();
        services.AddSingleton<IReadModelQueries, RedisReadModelQueries>();
        services.AddSingleton<INotificationStore, RedisNotificationStore>();
        return services;
    }
}
