using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Social.Streaming;

/// <summary>
/// What happens when a consumer keeps failing: the pulling agent retries it for
/// <see cref="EventStoreStreamOptions.MaxDeliveryTime"/> (forever by default, so nothing is ever skipped: the consumer's
/// stream waits and, if the consumer never recovers, its queue's cache fills and the queue stops reading, which shows
/// as growing lag; so a consumer gives up on an event that can never succeed itself, as the projections do by parking
/// its stream). If a finite time runs out, this logs the event as an error and the consumer moves on; the queue's
/// checkpoint then stays before the event (see <see cref="DeliveryLedger"/>), so the event is delivered again when the
/// queue next starts. Subscriptions are not faulted: implicit ones cannot be, and a projection must not lose its stream.
/// </summary>
internal sealed partial class DeliveryFailureLog(ILogger logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogDeliveryFailed(streamProviderName, streamIdentity, sequenceToken, subscriptionId);
        return Task.CompletedTask;
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogSubscriptionFailed(streamProviderName, streamIdentity, sequenceToken, subscriptionId);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream provider {Provider} gave up delivering the event at {Token} of stream {StreamId} to subscription {SubscriptionId}; it will be delivered again when the queue restarts from its checkpoint.")]
    private partial void LogDeliveryFailed(string provider, StreamId streamId, StreamSequenceToken? token, GuidId subscriptionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream provider {Provider} could not set up subscription {SubscriptionId} to stream {StreamId} at {Token}.")]
    private partial void LogSubscriptionFailed(string provider, StreamId streamId, StreamSequenceToken? token, GuidId subscriptionId);
}
