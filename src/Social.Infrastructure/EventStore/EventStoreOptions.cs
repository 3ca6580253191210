using System.ComponentModel.DataAnnotations;

namespace Social.Infrastructure.EventStore;

/// <summary>The <c>Social:EventStore</c> configuration section: how an instance writes to the event store.</summary>
public sealed class EventStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:EventStore";

    /// <summary>The most appends one transaction writes (500 by default); more wait for the next one.</summary>
    [Range(1, 10_000)]
    public int MaxBatchAppends { get; set; } = 500;

    /// <summary>
    /// How many appends may wait for a transaction (2 000 by default). Beyond it an append is refused at once with
    /// <see cref="Social.Abstractions.Commands.OverloadedException"/> (503 with <c>Retry-After</c>): a few batches'
    /// worth keeps the store busy without letting waits grow.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxWaitingAppends { get; set; } = 2_000;

    /// <summary>What a refused append tells its caller to wait before retrying (1 s by default).</summary>
    public TimeSpan OverloadRetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
