using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Social.Api.Hosting;

/// <summary>
/// The <c>Social:ForwardedHeaders</c> configuration section: the proxies whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed. With neither list set, only loopback is trusted (ASP.NET Core's default);
/// with either set, exactly the listed addresses and networks are, loopback no longer.
/// </summary>
public sealed class TrustedProxyOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:ForwardedHeaders";

    /// <summary>Addresses of trusted proxies (<c>172.28.0.10</c>); blank entries are ignored.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form (<c>172.28.0.0/24</c>); blank entries are ignored.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Whether anything is listed; if not, ASP.NET Core's defaults (loopback only) stand.</summary>
    public bool IsConfigured => Proxies().Any() || Networks().Any();

    public IEnumerable<IPAddress> Proxies() => NonBlank(KnownProxies).Select(IPAddress.Parse);

    public IEnumerable<IPNetwork> Networks() => NonBlank(KnownNetworks).Select(n => IPNetwork.Parse(n));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in NonBlank(KnownProxies).Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"{Section}:KnownProxies: '{proxy}' is not an IP address.", [nameof(KnownProxies)]);
        }

        foreach (var network in NonBlank(KnownNetworks).Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult(
                $"{Section}:KnownNetworks: '{network}' is not a network in CIDR form (like 172.28.0.0/24).", [nameof(KnownNetworks)]);
        }
    }

    private static IEnumerable<string> NonBlank(IEnumerable<string> values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim());
}
