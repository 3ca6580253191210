using Microsoft.Extensions.Options;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Domain.Ids;
using Social.Domain.Users;
using Social.Grains.Users;

namespace Social.Grains.Projections;

/// <summary>
/// A user's stream into the read models: the profile, both sides of the follower graph, the followed user's recent
/// posts merged into the follower's home timeline on follow, and taken out again on unfollow, the follow's notification,
/// the notification read marker; and an account's
/// deletion, whose erasure (<see cref="AccountErasure"/>) it sees through.
/// </summary>
[ImplicitStreamSubscription(EventStreams.Users)]
public sealed class UserProjectionGrain(
    IEventStore events, IProjectionStore store, EventPushesFactory pushes, ProjectionParking parking, AccountErasure erasure, Notifier notifier,
    IOptions<TimelineOptions> options)
    : ProjectionGrain(events, store, pushes, parking), IUserProjectionGrain
{
    protected override string StreamId => new UserId(this.GetPrimaryKeyString()).StreamId;

    protected override Task<bool> ApplyAsync(long version, object @event) => @event switch
    {
        UserRegistered e => Store.ApplyProfileAsync(StreamId, version, new ProfileRecord(e.UserId, e.DisplayName)),
        ProfileUpdated e => Store.ApplyProfileAsync(StreamId, version, new ProfileRecord(e.UserId, e.DisplayName)),
        UserFollowed e => Store.ApplyFollowAsync(StreamId, version, e.Follower, e.Followee),
        UserUnfollowed e => Store.ApplyUnfollowAsync(StreamId, version, e.Follower, e.Followee),
        AccountDeleted e => Store.ApplyAccountDeletedAsync(StreamId, version, e.UserId),
        NotificationsRead e => Store.ApplyNotificationsReadAsync(StreamId, version, e.UserId, e.LastRead),
        _ => Store.ApplyNothingAsync(StreamId, version),
    };

    // The follower was added to the followee's followers before this runs, and a post is put in its author's timeline
    // before its fan-out reads the followers: whichever of a concurrent follow and post comes second sees the other.
    internal override async Task<bool> RunSideEffectsAsync(object @event, EventPushes push)
    {
        switch (@event)
        {
            case UserFollowed e:
                await push.PostsAddedAsync(e.Follower, await Store.MergeIntoHomeTimelineAsync(e.Follower, e.Followee, options.Value.FollowBackfill));
                await notifier.FollowedAsync(e, push);
                return true;
            case UserUnfollowed e:
                await push.PostsRemovedAsync(e.Follower, await Store.RemoveAuthorFromHomeTimelineAsync(e.Follower, e.Followee));
                await notifier.UnfollowedAsync(e);
                return true;
            case AccountDeleted e:
                await erasure.EraseAsync(e.UserId, e.At);
                return true;
            default:
                return false;
        }
    }
}
