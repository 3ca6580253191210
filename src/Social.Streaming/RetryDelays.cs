using Orleans.Runtime.Providers;

namespace Social.Streaming;

/// <summary>
/// Exponential delays with jitter between the pulling agent's retries, of a delivery to a consumer or of a read of the
/// queue. Orleans's defaults (1 s to 30 s for deliveries, 10 s to 20 s for reads) would leave a queue idle for seconds
/// after a brief PostgreSQL or silo hiccup; these start small and stay under a few seconds.
/// </summary>
internal sealed class RetryDelays(TimeSpan first, TimeSpan max) : IMessageDeliveryBackoffProvider, IQueueReaderBackoffProvider
{
    public TimeSpan Next(int attempt)
    {
        var exponential = first.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 30));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        // +-20%, so that agents retrying the same failure do not stay in step.
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }
}
