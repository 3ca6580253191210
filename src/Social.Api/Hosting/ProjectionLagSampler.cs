using Microsoft.Extensions.Options;
using Social.Abstractions.Diagnostics;
using Social.Abstractions.EventStore;
using Social.Abstractions.RealTime;
using Social.Api.RealTime;
using Social.Streaming;

namespace Social.Api.Hosting;

/// <summary>
/// Samples the projections' lag from the event store every 15 s for the social.projection.lag gauge. When they are
/// further behind than the push window, events are projected without being pushed (FeedOptions), so connected
/// clients would silently miss them: their connections are closed, and they resume with ?since= when they reconnect.
/// </summary>
internal sealed class ProjectionLagSampler(
    TransportLag lag, FeedConnections connections, IOptions<FeedOptions> feed, ILogger<ProjectionLagSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        do
        {
            try
            {
                var report = await lag.ReadAsync(EventStreams.ProviderName, stoppingToken);
                SocialMetrics.SetProjectionLag(report.Queues.Sum(queue => queue.LagEvents));
                var behind = TimeSpan.FromSeconds(report.Queues.Select(queue => queue.LagSeconds).DefaultIfEmpty(0).Max());
                if (behind > feed.Value.PushWindow && connections.Count > 0)
                {
                    logger.LogWarning("Projections are {Behind} behind, more than the push window: closing {Count} feed connections so that clients resume", behind, connections.Count);
                    connections.CloseAll();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Sampling the projection lag failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
