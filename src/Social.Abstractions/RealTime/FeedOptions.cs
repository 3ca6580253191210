using System.ComponentModel.DataAnnotations;

namespace Social.Abstractions.RealTime;

/// <summary>The <c>Social:Feed</c> configuration section: pushes to connected clients.</summary>
public sealed class FeedOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:Feed";

    /// <summary>
    /// Events older than this when projected are not pushed: a rebuild replaying history must not send every client
    /// its whole timeline again. Clients fill anything older from <c>?since=</c> when they reconnect; if the projections
    /// fall further behind than this, the host closes the feed connections so that they do.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PushWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a client counts as connected after its instance last said so (instances refresh it a third as often).</summary>
    [Range(typeof(TimeSpan), "00:00:03", "1.00:00:00")]
    public TimeSpan PresenceLifetime { get; set; } = TimeSpan.FromSeconds(90);
}
