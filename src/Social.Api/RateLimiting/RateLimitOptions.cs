using System.ComponentModel.DataAnnotations;

namespace Social.Api.RateLimiting;

/// <summary>The <c>Social:RateLimit</c> configuration section: how many writes one user (or address) may make.</summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:RateLimit";

    /// <summary>Writes one user may make per <see cref="Window"/>.</summary>
    [Range(1, 1_000_000)]
    public int WritesPerWindow { get; set; } = 60;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
