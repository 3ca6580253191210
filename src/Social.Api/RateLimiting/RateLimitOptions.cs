using System.ComponentModel.DataAnnotations;

namespace Social.Api.RateLimiting;

/// <summary>
/// The <c>Social:RateLimit</c> configuration section: how many writes one user (or address) may make, and how many
/// reads an address may make without signing in, per <see cref="Window"/>.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:RateLimit";

    /// <summary>Writes one user may make per <see cref="Window"/>.</summary>
    [Range(1, 1_000_000)]
    public int WritesPerWindow { get; set; } = 60;

    /// <summary>
    /// Reads of the API one client address may make per <see cref="Window"/> without a token (600, a page a second
    /// and more for a person; a crawler or a scan of unknown ids meets the limit). Signed-in reads are not counted.
    /// </summary>
    [Range(1, 10_000_000)]
    public int AnonymousReadsPerWindow { get; set; } = 600;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
