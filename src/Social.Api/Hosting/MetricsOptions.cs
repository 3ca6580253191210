using System.ComponentModel.DataAnnotations;

namespace Social.Api.Hosting;

/// <summary>The <c>Social:Metrics</c> configuration section: where Prometheus scrapes <c>/metrics</c>.</summary>
public sealed class MetricsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:Metrics";

    /// <summary>
    /// The port that serves <c>/metrics</c> and nothing else, on the same interfaces as the API (<see cref="MetricsPort"/>);
    /// the API's own ports answer 404 for <c>/metrics</c>. 9464 is the OpenTelemetry Prometheus exporter's usual port.
    /// </summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 9464;
}
