using Microsoft.Extensions.Options;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Abstractions.RealTime;

namespace Social.Grains.Projections;

/// <summary>Makes the <see cref="EventPushes"/> of an event: enabled only for events recent enough to push.</summary>
public sealed class EventPushesFactory(
    IFeedPresence presence, IFeedNotifier feed, IReadModelQueries queries, IOptions<FeedOptions> options, TimeProvider clock)
{
    internal EventPushes For(RecordedEvent recorded) =>
        new(presence, new TimedFeed(feed, clock, recorded.RecordedAt), queries, clock.GetUtcNow() - recorded.RecordedAt < options.Value.PushWindow);
}
