using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Social.Infrastructure.Configuration;

namespace Social.Api.Hosting;

/// <summary>
/// Behind the load balancer every connection comes from the proxy: the client's address and scheme are taken from
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, but only on connections from a trusted proxy
/// (<see cref="TrustedProxyOptions"/>), so that a client that reaches the host directly cannot claim another address
/// (the write limits before sign-in are kept per client address) or claim HTTPS.
/// </summary>
internal static class ForwardedHeadersSetup
{
    public static void AddForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<TrustedProxyOptions>(configuration, TrustedProxyOptions.Section);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, configured) =>
        {
            // One value from the nearest proxy (ForwardLimit 1): what the client itself put in front of it is not believed.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            var trusted = configured.Value;
            if (!trusted.IsConfigured)
            {
                return;
            }

            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in trusted.Proxies())
            {
                forwarded.KnownProxies.Add(proxy);
            }

            foreach (var network in trusted.Networks())
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
    }
}
