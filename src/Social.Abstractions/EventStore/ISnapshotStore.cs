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

    /// <summary>
    /// Keeps <paramref name="state"/> (JSON, of the state type described by <paramref name="shape"/>) as the stream's
    /// snapshot at <paramref name="version"/>, unless a later one is kept already.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store cannot be reached.</exception>
    Task WriteAsync(string streamId, long version, string shape, string state);
}

/// <summary>A stream's state as JSON, after the events up to <paramref name="Version"/>.</summary>
/// <param name="Version">The last event folded into it.</param>
/// <param name="Shape">The members of the state type it was written from, and their types.</param>
/// <param name="State">The state, as JSON.</param>
public sealed record StateSnapshot(long Version, string Shape, string State);
