using Microsoft.Extensions.Logging;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;

namespace Social.Grains.Projections;

/// <summary>
/// Drops the read models and has every stream's projection catch up from the event store, in commit order (so users
/// exist before their follows and posts). It runs in the background of this grain; the caller gets 202 at once.
/// </summary>
public sealed class RebuildGrain(IEventStore events, IProjectionStore store, TimeProvider clock, ILogger<RebuildGrain> logger)
    : Grain, IRebuildGrain
{
    private const int ReadBatch = 1000;
    private RebuildStatus _status = new("idle", null, null, 0, 0, null);
    private Task? _running;

    public Task<RebuildStatus> StartAsync()
    {
        if (_running is { IsCompleted: false })
        {
            return Task.FromResult(_status);
        }

        _status = new RebuildStatus("running", clock.GetUtcNow(), null, 0, 0, null);
        // The rebuild outlives this call; stay active until it is done.
        DelayDeactivation(TimeSpan.FromDays(1));
        _running = RunAsync();
        return Task.FromResult(_status);
    }

    public Task<RebuildStatus> GetStatusAsync() => Task.FromResult(_status);

    private async Task RunAsync()
    {
        try
        {
            await store.DropAllAsync();
            var replayed = new HashSet<string>(StringComparer.Ordinal);
            var position = GlobalPosition.Start;
            while (true)
            {
                var batch = await events.ReadAllAsync(position, ReadBatch);
                foreach (var recorded in batch)
                {
                    if (replayed.Add(recorded.StreamId))
                    {
                        await GrainFactory.ProjectionOf(recorded.StreamId).CatchUpAsync();
                    }
                }

                _status = _status with { EventsRead = _status.EventsRead + batch.Count, StreamsReplayed = replayed.Count };
                if (batch.Count < ReadBatch)
                {
                    break;
                }

                position = batch[^1].Position;
            }

            _status = _status with { State = "completed", FinishedAt = clock.GetUtcNow() };
        }
        catch (Exception e)
        {
            logger.LogError(e, "Rebuilding the read models failed");
            _status = _status with { State = "failed", FinishedAt = clock.GetUtcNow(), Error = e.Message };
        }
        finally
        {
            DelayDeactivation(TimeSpan.Zero);
        }
    }
}
