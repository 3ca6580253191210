namespace Social.Abstractions.ReadModels;

/// <summary>
/// Whether a user's or a post's stream has any event, answered without activating its grain, so that reads of unknown
/// ids (a scan, a typo, a link to nothing) cost a lookup and leave nothing behind.
/// </summary>
public interface IStreamExistence
{
    /// <summary>True when the stream has events (the user or post exists, or did: a deleted one is for its grain to answer).</summary>
    /// <exception cref="EventStore.StoreUnavailableException">Neither Redis nor the event store could answer.</exception>
    Task<bool> ExistsAsync(string streamId);
}
