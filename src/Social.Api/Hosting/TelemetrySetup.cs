using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Social.Abstractions.Diagnostics;

namespace Social.Api.Hosting;

/// <summary>
/// OpenTelemetry: metrics of ASP.NET Core, Orleans and the project (<see cref="SocialMetrics"/>) for Prometheus at
/// <c>/metrics</c>, and traces from HTTP requests through grain calls, exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
internal static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static void AddSocialTelemetry(this WebApplicationBuilder builder)
    {
        var tracing = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("social-api"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter("Microsoft.Orleans")
                .AddMeter(SocialMetrics.MeterName)
                .AddPrometheusExporter())
            .WithTracing(traces =>
            {
                traces.AddAspNetCoreInstrumentation().AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application");
                if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
                {
                    traces.AddOtlpExporter();
                }
            });
        builder.Services.AddHostedService<ProjectionLagSampler>();
    }

    public static void MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath);
}
