using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using Social.Abstractions.EventStore;
using Social.Grains;
using Social.Infrastructure.Postgres;
using Social.Streaming;

namespace Social.Api.Hosting;

/// <summary>Co-hosts the Orleans silo in the web host: membership, grain storage and the event-sourcing provider.</summary>
internal static class SiloHosting
{
    private const string Invariant = "Npgsql";

    public static void AddSocialSilo(this WebApplicationBuilder builder, string postgres)
    {
        var cluster = builder.Configuration.GetSection(SocialOptions.Section).Get<SocialOptions>()?.Cluster ?? new ClusterSettings();
        // Each Orleans provider gets a pool of its own, sized by the connection budget (PostgresConnectionOptions).
        var budget = builder.Configuration.GetSection(PostgresConnectionOptions.Section).Get<PostgresConnectionOptions>() ?? new PostgresConnectionOptions();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ServiceId = cluster.ServiceId;
                options.ClusterId = cluster.ClusterId;
            });

            if (string.Equals(cluster.Mode, "Localhost", StringComparison.OrdinalIgnoreCase))
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            }
            else
            {
                // Membership in PostgreSQL: the store every instance already shares, so no further moving part.
                silo.UseAdoNetClustering(options =>
                {
                    options.Invariant = Invariant;
                    options.ConnectionString = budget.For(postgres, "membership", budget.Membership);
                });
                var address = cluster.AdvertisedIPAddress is { Length: > 0 } ip ? IPAddress.Parse(ip) : IPAddress.Loopback;
                silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: cluster.AdvertisedIPAddress is { Length: > 0 });
            }

            silo.AddAdoNetGrainStorageAsDefault(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = budget.For(postgres, "grain-storage", budget.GrainStorage);
            });
            silo.AddSocialGrains();
            // Grain statistics for /dashboard (administrators only, see AdminPages).
            silo.AddDashboard();
            // Traces continue from the HTTP request into the grain calls it makes.
            silo.AddActivityPropagation();
            // Committed events reach the projections over Orleans streams read from the event store itself.
            silo.AddEventStoreStreams(EventStreams.ProviderName, options => options.ConnectionString = budget.For(postgres, "streams", budget.Streams));
        });

        // The silo's stop ends within the host's shutdown timeout, also when PostgreSQL cannot be reached.
        SiloShutdown.Wrap(builder.Services);
    }
}
