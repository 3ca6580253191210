using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Social.Abstractions.RealTime;
using Social.Infrastructure.Configuration;

namespace Social.Infrastructure.RealTime;

/// <summary>Who has a feed connection open, kept in the read models' Redis (<see cref="ReadModels.ReadModelSetup"/>).</summary>
public static class PresenceSetup
{
    public static IServiceCollection AddRedisPresence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<FeedOptions>(configuration, FeedOptions.Section);
        services.AddSingleton<RedisPresence>();
        services.AddSingleton<IFeedPresence>(provider => provider.GetRequiredService<RedisPresence>());
        return services;
    }
}
