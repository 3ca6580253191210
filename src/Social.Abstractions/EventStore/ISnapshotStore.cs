namespace Social.Abstractions.EventStore;

/// <summary>
/// The last snapshot of each stream's write-side state: a cache of the fold of its events up to a version, never a
/// source of truth (the events are).
/// </summary>
public interface ISnapshotStore
{
    /// <summary>The stream's snapshot, or null when it has none.</summary>
    /// <exception cref="StoreUnavailableException">The store cannot be reached.</exception>
    Task<StateSnapshot?> ReadAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>Keeps <paramref name="state"/> (JSON) as the stream's snapshot at <paramref name="version"/>, unless a later one is kept already.</summary>
    /// <exception cref="StoreUnavailableException">The store cannot be reached.</exception>
    Task WriteAsync(string streamId, long version, string state);
}

/// <summary>A stream's state as JSON, after the events up to <paramref name="Version"/>.</summary>
public sealed record StateSnapshot(long Version, string State);
