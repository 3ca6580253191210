using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using Social.Abstractions.EventStore;
using Social.Grains;
using Social.Infrastructure.Configuration;
using Social.Infrastructure.Postgres;
using Social.Streaming;

namespace Social.Api.Hosting;

/// <summary>Co-hosts the Orleans silo in the web host: membership, grain storage, the grains and the event transport.</summary>
internal static class SiloHosting
{
    public static void AddSocialSilo(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SiloClusterOptions>(builder.Configuration, SiloClusterOptions.Section);
        // Orleans's membership provider and endpoints are composed before the container exists, so this section is
        // also read here, once; everything else reaches the silo through options.
        var cluster = builder.Configuration.GetSection(SiloClusterOptions.Section).Get<SiloClusterOptions>() ?? new SiloClusterOptions();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ServiceId = cluster.ServiceId;
                options.ClusterId = cluster.ClusterId;
            });
            if (cluster.IsLocalhost)
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            }
            else
            {
                silo.UsePostgresMembership();
                var address = cluster.AdvertisedIPAddress is { Length: > 0 } ip ? IPAddress.Parse(ip) : IPAddress.Loopback;
                silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: cluster.AdvertisedIPAddress is { Length: > 0 });
            }

            silo.AddPostgresGrainStorageAsDefault();
            silo.AddSocialGrains();
            // Grain statistics for /dashboard (administrators only, see AdminPages).
            silo.AddDashboard();
            // Traces continue from the HTTP request into the grain calls it makes.
            silo.AddActivityPropagation();
            // Committed events reach the projections over Orleans streams read from the event store itself.
            silo.AddPostgresEventStreams(EventStreams.ProviderName);
        });

        // The silo's stop ends within the host's shutdown timeout, also when PostgreSQL cannot be reached.
        SiloShutdown.Wrap(builder.Services);
    }
}
