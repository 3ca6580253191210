using Social.Abstractions.Diagnostics;
using Microsoft.Extensions.Options;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Domain.Events;
using Social.Domain.Ids;
using Social.Domain.Posts;

namespace Social.Grains.Projections;

/// <summary>
/// A post's stream into the read models: its view, comments and likes, its author's and its tags' timelines and post
/// count, the notifications it causes, and the fan-out into home timelines, in pipelined batches of followers. Authors with more followers than the configured
/// threshold are not fanned out: readers merge their recent posts into their pages at read time.
/// </summary>
// Collected as soon as its post's grain is (see PostGrain): one activation per new post otherwise piles up.
[CollectionAgeLimit(Minutes = 2)]
[ImplicitStreamSubscription(EventStreams.Posts)]
public sealed class PostProjectionGrain(
    IEventStore events, IProjectionStore store, EventPushesFactory pushes, ProjectionParking parking, Notifier notifier, IOptions<TimelineOptions> options)
    : ProjectionGrain(events, store, pushes, parking), IPostProjectionGrain
{
    private readonly TimelineOptions _options = options.Value;

    // The post's author, whom likes and comments notify: known from the post's creation, or read from its stream once.
    private UserId? _author;

    protected override string StreamId => new PostId(this.GetPrimaryKeyString()).StreamId;

    protected override Task<bool> ApplyAsync(long version, object @event) => @event switch
    {
        PostCreated e => Store.ApplyPostCreatedAsync(StreamId, version, new PostRecord(e.PostId, e.AuthorId, e.Text, e.At, e.Mentions ?? [], e.Tags ?? [])),
        PostDeleted e => Store.ApplyPostDeletedAsync(StreamId, version, e.PostId, e.AuthorId),
        CommentAdded e => Store.ApplyCommentAddedAsync(StreamId, version, new CommentRecord(e.CommentId, e.PostId, e.AuthorId, e.Text, e.At, e.Mentions ?? [])),
        CommentDeleted e => Store.ApplyCommentDeletedAsync(StreamId, version, e.PostId, e.CommentId),
        PostLiked e => Store.ApplyLikesChangedAsync(StreamId, version, e.PostId, +1),
        PostUnliked e => Store.ApplyLikesChangedAsync(StreamId, version, e.PostId, -1),
        _ => Store.ApplyNothingAsync(StreamId, version),
    };

    internal override async Task<bool> RunSideEffectsAsync(object @event, EventPushes push)
    {
        switch (@event)
        {
            case PostCreated e:
                _author = e.AuthorId;
                await FanOutAsync(e, push);
                await notifier.PostCreatedAsync(e, push);
                return true;
            case PostDeleted e:
                await Store.RemoveFromHomeTimelinesAsync([e.AuthorId], e.PostId);
                await push.PostRemovedAsync([e.AuthorId], e.PostId);
                await foreach (var followers in Store.ReadFollowersInBatchesAsync(e.AuthorId, _options.FanOutBatchSize))
                {
                    await Store.RemoveFromHomeTimelinesAsync(followers, e.PostId);
                    await push.PostRemovedAsync(followers, e.PostId);
                }

                await notifier.PostDeletedAsync(e);
                return true;
            case CommentAdded e:
                await push.CommentAddedAsync(e.PostId, e.CommentId);
                await notifier.CommentAddedAsync(e, await AuthorAsync(), push);
                return true;
            case CommentDeleted e:
                await notifier.CommentDeletedAsync(e);
                return true;
            case PostLiked e:
                await notifier.LikedAsync(e, await AuthorAsync(), push);
                return true;
            case PostUnliked e:
                await notifier.UnlikedAsync(e, await AuthorAsync());
                return true;
            default:
                return false;
        }
    }

    // From the stream's first event, not from a read model that a rebuild may just have dropped.
    private async Task<UserId> AuthorAsync()
    {
        if (_author is null)
        {
            var first = (await Events.ReadStreamPageAsync(StreamId, 0, maxCount: 1))[0];
            _author = ((PostCreated)EventTypes.Deserialize(first.Type, first.Data)).AuthorId;
        }

        return _author.Value;
    }

    private async Task FanOutAsync(PostCreated e, EventPushes push)
    {
        if (await Store.CountFollowersAsync(e.AuthorId) > _options.MergeAtReadThreshold)
        {
            await Store.AddToHomeTimelinesAsync([e.AuthorId], e.PostId);
            // Once merged at read time, always: their older posts stay in home timelines and pages skip doubles.
            await Store.SetMergedAtReadTimeAsync(e.AuthorId, true);
            await push.PostAddedAsync([e.AuthorId, .. await push.ConnectedFollowersAsync(e.AuthorId)], e.PostId, e.AuthorId);
            return;
        }

        // The author's own home timeline goes with the first batch of followers: one script and one push for both.
        IReadOnlyList<UserId> author = [e.AuthorId];
        await foreach (var followers in Store.ReadFollowersInBatchesAsync(e.AuthorId, _options.FanOutBatchSize))
        {
            IReadOnlyList<UserId> readers = [.. author, .. followers];
            author = [];
            var delivered = await Store.AddToHomeTimelinesAsync(readers, e.PostId);
            SocialMetrics.FanOutDeliveries.Add(followers.Count);
            await push.PostAddedAsync(delivered, e.PostId);
        }

        if (author.Count > 0)
        {
            await push.PostAddedAsync(await Store.AddToHomeTimelinesAsync(author, e.PostId), e.PostId);
        }
    }
}
