using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using Social.Abstractions.EventStore;
using Social.Grains;
using Social.Infrastructure.Streaming;

namespace Social.Api.Hosting;

/// <summary>Co-hosts the Orleans silo in the web host: membership, grain storage and the event-sourcing provider.</summary>
internal static class SiloHosting
{
    private const string Invariant = "Npgsql";

    public static void AddSocialSilo(this WebApplicationBuilder builder, string postgres)
    {
        var cluster = builder.Configuration.GetSection(SocialOptions.Section).Get<SocialOptions>()?.Cluster ?? new ClusterSettings();
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
                    options.ConnectionString = postgres;
                });
                var address = cluster.AdvertisedIPAddress is { Length: > 0 } ip ? IPAddress.Parse(ip) : IPAddress.Loopback;
                silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: cluster.AdvertisedIPAddress is { Length: > 0 });
            }

            silo.AddAdoNetGrainStorageAsDefault(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = postgres;
            });
            silo.AddSocialGrains();
            // Grain statistics for /dashboard (administrators only, see AdminPages).
            silo.AddDashboard();
            // Traces continue from the HTTP request into the grain calls it makes.
            silo.AddActivityPropagation();
            // Committed events reach the projections over Orleans streams read from the event store itself.
            silo.AddEventStoreStreams(EventStreams.ProviderName, options => options.ConnectionString = postgres);
        });
    }
}
