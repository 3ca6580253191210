using Microsoft.Extensions.Options;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Abstractions.RealTime;

namespace Social.Grains.Projections;

/// <summary>Makes the <see cref="FeedPush"/> of an event: enabled only for events recent enough to push.</summary>
public sealed class FeedPushes(IFeedNotifier feed, IReadModelQueries queries, IOptions<FeedOptions> options, TimeProvider clock)
{
    internal FeedPush For(RecordedEvent recorded) =>
        new(new TimedFeed(feed, clock, recorded.RecordedAt), queries, clock.GetUtcNow() - recorded.RecordedAt < options.Value.PushWindow);
}
