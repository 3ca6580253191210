using Microsoft.Extensions.Options;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Domain.Users;
using Social.Grains.Users;

namespace Social.Grains.Projections;

/// <summary>
/// A user's stream into the read models: the profile, both sides of the follower graph, the followed user's recent
/// posts merged into the follower's home timeline on follow, and taken out again on unfollow, the follow's notification,
/// the notification read marker, blocks (whose side effect ends the blocked user's follow of the blocker) and mutes;
/// and an account's
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
        UserBlocked e => Store.ApplyBlockAsync(StreamId, version, e.Blocker, e.Blocked, blocks: true),
        UserUnblocked e => Store.ApplyBlockAsync(StreamId, version, e.Blocker, e.Blocked, blocks: false),
        UserMuted e => Store.ApplyMuteAsync(StreamId, version, e.Muter, e.Muted, mutes: true),
        UserUnmuted e => Store.ApplyMuteAsync(StreamId, version, e.Muter, e.Muted, mutes: false),
        _ => Store.ApplyNothingAsync(StreamId, version),
    };

    // The follower was added to the followee's followers before this runs, and a post is put in its author's timeline
    // before its fan-out reads the followers: whichever of a concurrent follow and post comes second sees the other.
    internal override async Task<bool> RunSideEffectsAsync(object @event, EventPushes push)
    {
        switch (@event)
        {
            case UserFollowed e:
                await push.PostsAddedAsync(e.Follower, await Store.MergeIntoHomeTimelineAsync(e.Follower, e.Followee, options.Value.FollowBackfill), e.Followee);
                await notifier.FollowedAsync(e, push);
                return true;
            case UserUnfollowed e:
                await push.PostsRemovedAsync(e.Follower, await Store.RemoveAuthorFromHomeTimelineAsync(e.Follower, e.Followee));
                await notifier.UnfollowedAsync(e);
                return true;
            case UserBlocked e:
                await EndBlockedUsersFollowAsync(e);
                return true;
            case UserUnmuted e:
                // Posts of theirs made during the mute were not fanned out to the muter: they come back as on a follow.
                if (await Store.FollowsAsync(e.Muter, e.Muted))
                {
                    await push.PostsAddedAsync(e.Muter, await Store.MergeIntoHomeTimelineAsync(e.Muter, e.Muted, options.Value.FollowBackfill), e.Muted);
                }

                return true;
            case AccountDeleted e:
                await erasure.EraseAsync(e.UserId, e.At);
                return true;
            default:
                return false;
        }
    }

    // The blocker's own follow ended in its stream before the block; the blocked user's ends by their own command. Only
    // while the block lasts: a side effect repeated later (a rebuild, a lagging projection) must not end a follow made
    // after an unblock. A blocked user who deleted their account follows no one.
    private async Task EndBlockedUsersFollowAsync(UserBlocked e)
    {
        if (await GrainFactory.GetGrain<IUserGrain>(e.Blocker.Value).BlocksAsync(e.Blocked))
        {
            try
            {
                await GrainFactory.GetGrain<IUserGrain>(e.Blocked.Value).UnfollowAsync(e.Blocker);
            }
            catch (NotFoundException)
            {
            }
        }
    }
}
