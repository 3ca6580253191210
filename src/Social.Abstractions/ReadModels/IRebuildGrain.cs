namespace Social.Abstractions.ReadModels;

/// <summary>
/// Drops every read model and replays the event store into them (the one grain with key <see cref="Key"/>).
/// Writes go on meanwhile: the projections apply new events as usual and fill any gap from the store.
/// </summary>
public interface IRebuildGrain : IGrainWithStringKey
{
    /// <summary>The key of the one rebuild grain.</summary>
    const string Key = "read-models";

    /// <summary>Starts a rebuild unless one is running; returns at once.</summary>
    Task<RebuildStatus> StartAsync();

    /// <summary>The current or last rebuild.</summary>
    Task<RebuildStatus> GetStatusAsync();
}

/// <summary>Where a rebuild stands.</summary>
/// <param name="State"><c>idle</c>, <c>running</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="StartedAt">When the last rebuild started.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="EventsRead">Events read from the store so far.</param>
/// <param name="StreamsReplayed">Streams replayed into the read models so far.</param>
/// <param name="Error">Why it failed, when it did.</param>
[GenerateSerializer, Immutable]
public sealed record RebuildStatus(
    [property: Id(0)] string State,
    [property: Id(1)] DateTimeOffset? StartedAt,
    [property: Id(2)] DateTimeOffset? FinishedAt,
    [property: Id(3)] long EventsRead,
    [property: Id(4)] long StreamsReplayed,
    [property: Id(5)] string? Error);
