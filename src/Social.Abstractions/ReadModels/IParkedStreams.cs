namespace Social.Abstractions.ReadModels;

/// <summary>
/// The streams whose projection stopped at an event that kept failing (a poison event), kept where operators see them
/// (PostgreSQL) until they re-drive them.
/// </summary>
public interface IParkedStreams
{
    /// <summary>Records that the stream's projection stopped at <see cref="ParkedStream.Version"/> (replacing an earlier record of the stream).</summary>
    /// <exception cref="EventStore.StoreUnavailableException">The store cannot be reached.</exception>
    Task ParkAsync(ParkedStream parked);

    /// <summary>The parked streams, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ParkedStream>> ListAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes the stream's record before it is re-driven; false when it is not parked.</summary>
    Task<bool> ReleaseAsync(string streamId, CancellationToken cancellationToken = default);
}

/// <summary>A stream whose projection is parked.</summary>
/// <param name="StreamId">The event-store stream.</param>
/// <param name="Version">The version of the event that kept failing; the projection applied everything before it.</param>
/// <param name="EventType">That event's stored type name.</param>
/// <param name="Error">The last failure, as its exception type and message.</param>
/// <param name="Attempts">How many times it was tried.</param>
/// <param name="ParkedAt">When it was parked.</param>
public sealed record ParkedStream(string StreamId, long Version, string EventType, string Error, int Attempts, DateTimeOffset ParkedAt);
