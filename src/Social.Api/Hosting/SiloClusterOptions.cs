using System.ComponentModel.DataAnnotations;

namespace Social.Api.Hosting;

/// <summary>The <c>Social:Cluster</c> configuration section: which Orleans cluster this instance's silo joins, how, and where it listens.</summary>
public sealed class SiloClusterOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:Cluster";

    /// <summary><c>AdoNet</c> (membership in PostgreSQL, the default) or <c>Localhost</c> (one development node, no membership table).</summary>
    [RegularExpression("(?i)^(AdoNet|Localhost)$")]
    public string Mode { get; set; } = "AdoNet";

    [Required]
    public string ServiceId { get; set; } = "social";

    [Required]
    public string ClusterId { get; set; } = "social-dev";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one on (in Kubernetes, the pod IP); loopback when unset.</summary>
    public string? AdvertisedIPAddress { get; set; }

    public bool IsLocalhost => string.Equals(Mode, "Localhost", StringComparison.OrdinalIgnoreCase);
}
