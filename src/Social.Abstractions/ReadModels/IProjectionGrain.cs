using Social.Abstractions.EventStore;

namespace Social.Abstractions.ReadModels;

/// <summary>
/// Keeps the read models of one event-store stream (a user's or a post's) up to date. Its events normally arrive over
/// the durable Orleans stream; <see cref="CatchUpAsync"/> reads whatever it has not applied from the event store.
/// An event that keeps failing for a reason other than a store being down parks the stream (<see cref="IParkedStreams"/>).
/// </summary>
public interface IProjectionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies every event of the stream that the read models lack, with its side effects, a parked stream included
    /// (a rebuild, an operator's re-drive). False when an event failed and the stream is parked (again).
    /// </summary>
    Task<bool> CatchUpAsync();
}

/// <summary>The projection of a user's stream: profile, follower graph, follow backfill and unfollow removal.</summary>
public interface IUserProjectionGrain : IProjectionGrain;

/// <summary>The projection of a post's stream: post view, comments, likes, fan-out and delete propagation.</summary>
public interface IPostProjectionGrain : IProjectionGrain;

/// <summary>The projection grain of an event-store stream.</summary>
public static class ProjectionGrains
{
    /// <summary>The projection of <paramref name="streamId"/>; fails for a stream of a kind no projection follows.</summary>
    public static IProjectionGrain ProjectionOf(this IGrainFactory grains, string streamId)
    {
        var (kind, key) = EventStreams.Split(streamId);
        return kind switch
        {
            EventStreams.Users => grains.GetGrain<IUserProjectionGrain>(key),
            EventStreams.Posts => grains.GetGrain<IPostProjectionGrain>(key),
            _ => throw new ArgumentException($"No projection follows streams of kind '{kind}'.", nameof(streamId)),
        };
    }
}
