using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Social.Infrastructure.Configuration;

namespace Social.Api.Hosting;

/// <summary>
/// <c>/metrics</c> on a port of its own (<see cref="MetricsOptions.Port"/>), so that the load balancer's side never
/// sees it: the metrics port answers only <c>/metrics</c>, the API's ports answer 404 for it. The port is told apart by
/// the connection's local port, never by the <c>Host</c> header, which any client writes as it likes.
/// </summary>
/// <remarks>
/// The API's addresses come from <c>ASPNETCORE_URLS</c> (or <c>--urls</c>, or the test host's own), and a Kestrel
/// endpoint configured in code would replace them rather than add to them. So the metrics port joins those addresses
/// just before the server binds them, on the same interfaces: <c>http://+:8080</c> gives <c>http://+:9464</c>,
/// <c>http://127.0.0.1:5000</c> gives <c>http://127.0.0.1:9464</c>.
/// </remarks>
internal static class MetricsPort
{
    /// <summary>Where Kestrel listens when no address is configured.</summary>
    public const string KestrelDefaultAddress = "http://localhost:5000";

    private static readonly HashSet<string> s_anyHost = new(StringComparer.Ordinal) { "*", "+", "0.0.0.0", "[::]", "::" };
    private static readonly HashSet<string> s_loopbackHosts = new(StringComparer.OrdinalIgnoreCase) { "127.0.0.1", "[::1]", "::1" };

    public static void AddMetricsPort(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<MetricsOptions>(configuration, MetricsOptions.Section);
        services.AddTransient<IStartupFilter, ListenOnMetricsPort>();
    }

    /// <summary>The gate between the two kinds of port; early in the pipeline, before anything else answers.</summary>
    public static void UseMetricsPort(this IApplicationBuilder app) => app.UseMiddleware<MetricsPortGate>();

    /// <summary>
    /// The addresses to bind: the metrics port on each interface the API is served on, then the API's own addresses,
    /// last, where the test host looks for the address of the API.
    /// </summary>
    public static List<string> WithMetricsAddresses(IReadOnlyCollection<string> apiAddresses, int port)
    {
        var api = apiAddresses.Count > 0 ? [.. apiAddresses] : new List<string> { KestrelDefaultAddress };
        var bindings = api.Select(BindingAddress.Parse).Where(a => !a.IsUnixPipe && !a.IsNamedPipe).ToList();
        if (bindings.FirstOrDefault(a => a.Port == port) is { } clash)
        {
            throw new InvalidOperationException(
                $"{MetricsOptions.Section}:Port is {port}, a port the API is served on ({clash}); the metrics need a port of their own.");
        }

        var hosts = bindings.Select(a => a.Host).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        // Interfaces that one listener already covers would be bound twice: any address covers all, localhost the loopbacks.
        if (hosts.Any(s_anyHost.Contains))
        {
            hosts = ["+"];
        }
        else if (hosts.Contains("localhost", StringComparer.OrdinalIgnoreCase))
        {
            hosts.RemoveAll(s_loopbackHosts.Contains);
        }

        return [.. (hosts.Count > 0 ? hosts : ["localhost"]).Select(host => $"http://{host}:{port}"), .. api];
    }

    // Startup filters run after the hosting layer has filled in the configured addresses and before the server binds them.
    private sealed class ListenOnMetricsPort(IOptions<MetricsOptions> options) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (app.ServerFeatures.Get<IServerAddressesFeature>()?.Addresses is { IsReadOnly: false } addresses)
            {
                var all = WithMetricsAddresses([.. addresses], options.Value.Port);
                addresses.Clear();
                foreach (var address in all)
                {
                    addresses.Add(address);
                }
            }

            next(app);
        };
    }

    private sealed class MetricsPortGate(RequestDelegate next, IOptions<MetricsOptions> options, IProblemDetailsService problems)
    {
        private readonly int _port = options.Value.Port;

        public async Task InvokeAsync(HttpContext http)
        {
            // Routing matches /metrics whatever its case and with a trailing slash; so does this.
            var forMetrics = http.Request.Path.StartsWithSegments(TelemetrySetup.MetricsPath, StringComparison.OrdinalIgnoreCase);
            if (forMetrics == (http.Connection.LocalPort == _port))
            {
                await next(http);
                return;
            }

            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = StatusCodes.Status404NotFound } });
        }
    }
}
