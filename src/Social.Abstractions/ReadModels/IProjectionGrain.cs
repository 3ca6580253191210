namespace Social.Abstractions.ReadModels;

/// <summary>
/// Keeps the read models of one event-store stream (a user's or a post's) up to date. Its events normally arrive over
/// the durable Orleans stream; <see cref="CatchUpAsync"/> reads whatever it has not applied from the event store.
/// </summary>
public interface IProjectionGrain : IGrainWithStringKey
{
    /// <summary>Applies every event of the stream that the read models lack, with its side effects.</summary>
    Task CatchUpAsync();
}

/// <summary>The projection of a user's stream: profile, follower graph, follow backfill and unfollow removal.</summary>
public interface IUserProjectionGrain : IProjectionGrain;

/// <summary>The projection of a post's stream: post view, comments, likes, fan-out and delete propagation.</summary>
public interface IPostProjectionGrain : IProjectionGrain;
