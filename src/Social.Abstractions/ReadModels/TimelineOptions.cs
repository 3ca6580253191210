using System.ComponentModel.DataAnnotations;

namespace Social.Abstractions.ReadModels;

/// <summary>The <c>Social:Timelines</c> configuration section: how timelines are kept.</summary>
public sealed class TimelineOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:Timelines";

    /// <summary>Entries kept per home or user timeline (Twitter and Mastodon keep 800).</summary>
    [Range(1, 100_000)]
    public int Capacity { get; set; } = 800;

    /// <summary>How many of a followed user's recent posts a follow merges into the follower's home timeline.</summary>
    [Range(0, 100_000)]
    public int FollowBackfill { get; set; } = 200;

    /// <summary>Home timelines written per pipelined batch during fan-out.</summary>
    [Range(1, 100_000)]
    public int FanOutBatchSize { get; set; } = 1000;

    /// <summary>Authors with more followers than this are not fanned out on write; readers merge their posts at read time.</summary>
    [Range(1, long.MaxValue)]
    public long MergeAtReadThreshold { get; set; } = 10_000;
}
