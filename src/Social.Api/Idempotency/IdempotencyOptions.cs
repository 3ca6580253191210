using System.ComponentModel.DataAnnotations;

namespace Social.Api.Idempotency;

/// <summary>The <c>Social:Idempotency</c> configuration section: how long an <c>Idempotency-Key</c> is remembered.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:Idempotency";

    /// <summary>
    /// How long a key replays its first result (24 hours, as payment APIs keep theirs): far longer than any client's
    /// retries, short enough that the table holds only a day of writes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan KeyLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often each instance deletes expired keys (every 5 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromMinutes(5);
}
