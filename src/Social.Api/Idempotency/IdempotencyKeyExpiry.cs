using Microsoft.Extensions.Options;
using Social.Abstractions.EventStore;
using Social.Abstractions.Idempotency;

namespace Social.Api.Idempotency;

/// <summary>
/// Deletes <c>Idempotency-Key</c>s older than their lifetime, so the table holds a bounded window of writes. Every
/// instance does it; the deletes are idempotent, so more instances only make it sooner.
/// </summary>
internal sealed partial class IdempotencyKeyExpiry(
    IIdempotencyStore store, IOptions<IdempotencyOptions> options, TimeProvider clock, ILogger<IdempotencyKeyExpiry> logger) : BackgroundService
{
    private const int BatchSize = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.ExpiryInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // A full batch means more are due: keep going, one short statement at a time.
                while (await store.ExpireAsync(settings.KeyLifetime, BatchSize, stoppingToken) == BatchSize)
                {
                }
            }
            catch (StoreUnavailableException e)
            {
                LogExpiryFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expired idempotency keys could not be deleted now; the next round tries again.")]
    private partial void LogExpiryFailed(Exception exception);
}
