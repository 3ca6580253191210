using System.ComponentModel.DataAnnotations;

namespace Social.Api.Hosting;

/// <summary>The <c>Social</c> configuration section.</summary>
public sealed class SocialOptions
{
    public const string Section = "Social";

    /// <summary>Handles of the administrators (<c>Social__Admins__0=alice</c>).</summary>
    public List<string> Admins { get; set; } = [];

    public JwtOptions Jwt { get; set; } = new();

    public RateLimitOptions RateLimit { get; set; } = new();

    public LimitsOptions Limits { get; set; } = new();

    public ClusterSettings Cluster { get; set; } = new();

    public AdmissionOptions Admission { get; set; } = new();
}

public sealed class AdmissionOptions
{
    /// <summary>
    /// Writes one instance works on at once (256 by default); more are refused with 503. Enough to keep the group commit's
    /// batches full at this machine's capacity, few enough that an admitted write waits well under a second.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxWritesInFlight { get; set; } = 256;

    /// <summary>What a refused write is told to wait (1 s by default).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class JwtOptions
{
    /// <summary>The HMAC-SHA256 signing key: at least 32 bytes of random text. Never committed.</summary>
    [Required]
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "social";

    public string Audience { get; set; } = "social";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}

public sealed class RateLimitOptions
{
    /// <summary>Writes one user may make per <see cref="Window"/>.</summary>
    public int WritesPerWindow { get; set; } = 60;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class LimitsOptions
{
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}

public sealed class ClusterSettings
{
    /// <summary><c>AdoNet</c> (membership in PostgreSQL, the default) or <c>Localhost</c> (one development node, no membership table).</summary>
    public string Mode { get; set; } = "AdoNet";

    public string ServiceId { get; set; } = "social";

    public string ClusterId { get; set; } = "social-dev";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one on (in Kubernetes, the pod IP); loopback when unset.</summary>
    public string? AdvertisedIPAddress { get; set; }
}
