using Social.Abstractions.Diagnostics;
using Social.Abstractions.EventStore;
using Social.Infrastructure.Streaming;

namespace Social.Api.Hosting;

/// <summary>Samples the projections' lag from the event store every 15 s for the social.projection.lag gauge.</summary>
internal sealed class ProjectionLagSampler(TransportLag lag, ILogger<ProjectionLagSampler> logger) : BackgroundService
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
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Sampling the projection lag failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
