using System.ComponentModel.DataAnnotations;

namespace Social.Api.Hosting;

/// <summary>
/// The <c>Social:Https</c> configuration section. The host serves plain HTTP behind a load balancer that terminates
/// TLS; what it knows of HTTPS it learns from the proxy's <c>X-Forwarded-Proto</c> (<see cref="TrustedProxyOptions"/>).
/// </summary>
public sealed class HttpsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:Https";

    /// <summary>
    /// Whether responses to HTTPS requests carry <c>Strict-Transport-Security</c>. Off by default: turn it on only
    /// once the site is served over HTTPS alone, as browsers then refuse plain HTTP to it for <see cref="HstsMaxAge"/>.
    /// </summary>
    public bool Hsts { get; set; }

    /// <summary>How long browsers keep to HTTPS after seeing the header (a year by default).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "730.00:00:00")]
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}
