using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Social.Abstractions.RealTime;
using Social.Grains.Projections;
using Social.Grains.Users;
using Orleans.Serialization;

namespace Social.Grains;

/// <summary>What a silo needs to run these grains, in one place for the host and the tests.</summary>
public static class SiloSetup
{
    public static ISiloBuilder AddSocialGrains(this ISiloBuilder silo)
    {
        silo.Services.AddSocialExceptionSerialization();
        silo.Services.TryAddSingleton(TimeProvider.System);
        // A host that serves clients registers its own presence and notifier first; any other silo sees nobody
        // connected and pushes to nobody.
        silo.Services.TryAddSingleton<IFeedPresence, NoFeedPresence>();
        silo.Services.TryAddSingleton<IFeedNotifier, NoFeedNotifier>();
        silo.Services.AddOptions<FeedOptions>();
        silo.Services.AddSingleton<EventPushesFactory>();
        silo.Services.AddSingleton<AccountErasure>();
        silo.Services.AddSingleton<Notifier>();
        silo.Services.AddSingleton<ProjectionParking>();
        return silo;
    }

    /// <summary>
    /// Lets the stores' own exceptions travel inside <c>StoreUnavailableException</c> from a grain to its caller
    /// (Orleans serializes only exceptions of the namespaces it is told about); clients need it too.
    /// </summary>
    public static IServiceCollection AddSocialExceptionSerialization(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(options =>
        {
            options.SupportedNamespacePrefixes.Add("Npgsql");
            options.SupportedNamespacePrefixes.Add("StackExchange.Redis");
        });
}
