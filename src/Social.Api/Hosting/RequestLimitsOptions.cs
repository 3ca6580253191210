using System.ComponentModel.DataAnnotations;

namespace Social.Api.Hosting;

/// <summary>The <c>Social:Limits</c> configuration section: what one request may carry.</summary>
public sealed class RequestLimitsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:Limits";

    /// <summary>The largest request body accepted (64 KiB); larger ones are refused with 413 before they are read.</summary>
    [Range(1024, 100L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
