using System.ComponentModel.DataAnnotations;

namespace Social.Api.Admission;

/// <summary>The <c>Social:Admission</c> configuration section: how much write work one instance takes on.</summary>
public sealed class AdmissionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:Admission";

    /// <summary>
    /// Writes one instance works on at once (256 by default); more are refused with 503. Enough to keep the group commit's
    /// batches full at this machine's capacity, few enough that an admitted write waits well under a second.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxWritesInFlight { get; set; } = 256;

    /// <summary>What a refused write is told to wait (1 s by default).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
