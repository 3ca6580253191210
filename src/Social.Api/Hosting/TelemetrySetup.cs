using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Social.Abstractions.Diagnostics;

namespace Social.Api.Hosting;

/// <summary>
/// OpenTelemetry: metrics of ASP.NET Core, Orleans and the project (<see cref="SocialMetrics"/>) for Prometheus at
/// <c>/metrics</c>, served on the metrics port only (<see cref="MetricsPort"/>), and traces from HTTP requests through grain calls, exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
internal static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static void AddSocialTelemetry(this WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("social-api"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter("Microsoft.Orleans")
                .AddMeter(SocialMetrics.MeterName)
                .AddPrometheusExporter());
        // Traces only when they go somewhere: a listener makes every request and grain call record an activity, which
        // cost 5 % of the host's CPU at load for spans nobody read.
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(traces => traces
                .AddAspNetCoreInstrumentation()
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddOtlpExporter());
        }

        builder.Services.AddHostedService<ProjectionLagSampler>();
    }

    public static void MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath);
}
