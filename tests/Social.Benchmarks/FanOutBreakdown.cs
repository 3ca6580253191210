using System.Diagnostics;
using Social.Abstractions.ReadModels;
using Social.Domain.Ids;

namespace Social.Benchmarks;

/// <summary><see cref="Count"/> fan-outs of one author's post run at once outside Orleans.</summary>
internal sealed record ConcurrentFanOuts(int Count, int Followers, TimeSpan Elapsed, CpuUse Cpu)
{
    public double DeliveriesPerSecond => (double)Count * Followers / Elapsed.TotalSeconds;
}

/// <summary>The parts of one post's fan-out, timed apart, and several fan-outs at once.</summary>
internal sealed record BreakdownResult(
    int Followers, TimeSpan Read, TimeSpan Write, TimeSpan Loop, TimeSpan Remove, CpuUse LoopCpu, IReadOnlyList<ConcurrentFanOuts> Concurrent)
{
    public static double MicrosPerFollower(TimeSpan time, int followers) => time.TotalMicroseconds / followers;
}

/// <summary>
/// Where the time of one post's fan-out goes, measured outside Orleans on the silo's own <see cref="IProjectionStore"/>
/// (the same Redis connection the projections use), for one author of the scenario: reading the followers alone
/// (<c>ReadFollowersInBatchesAsync</c>), writing all home timelines alone (<c>AddToHomeTimelinesAsync</c> with every
/// follower), the two interleaved batch by batch as <c>PostProjectionGrain</c> does, and N such loops at once (as N
/// posts' projections run them). The ids written are not posts; they are taken out again
/// (<c>RemoveFromHomeTimelinesAsync</c>, also timed).
/// </summary>
internal sealed class FanOutBreakdown(BenchmarkSystem system)
{
    public async Task<BreakdownResult> MeasureAsync(UserId author, IReadOnlyList<int> concurrency, CancellationToken cancellationToken)
    {
        var store = system.ProjectionStore;
        var batchSize = system.Timelines.FanOutBatchSize;
        var written = new List<PostId>();

        var watch = Stopwatch.StartNew();
        var readers = new List<UserId>();
        await foreach (var batch in store.ReadFollowersInBatchesAsync(author, batchSize).WithCancellation(cancellationToken))
        {
            readers.AddRange(batch);
        }

        var read = watch.Elapsed;

        var alone = PostId.New(DateTimeOffset.UtcNow);
        watch.Restart();
        await store.AddToHomeTimelinesAsync(readers, alone);
        var write = watch.Elapsed;

        var interleaved = PostId.New(DateTimeOffset.UtcNow);
        written.Add(interleaved);
        var cpu = await new CpuMeter(system.Redis).StartAsync();
        watch.Restart();
        await FanOutAsync(interleaved);
        var loop = watch.Elapsed;
        var loopCpu = await cpu();

        var concurrent = new List<ConcurrentFanOuts>();
        foreach (var count in concurrency)
        {
            var posts = Enumerable.Range(0, count).Select(_ => PostId.New(DateTimeOffset.UtcNow)).ToArray();
            written.AddRange(posts);
            cpu = await new CpuMeter(system.Redis).StartAsync();
            watch.Restart();
            await Task.WhenAll(posts.Select(post => Task.Run(() => FanOutAsync(post), cancellationToken)));
            concurrent.Add(new ConcurrentFanOuts(count, readers.Count, watch.Elapsed, await cpu()));
        }

        watch.Restart();
        await store.RemoveFromHomeTimelinesAsync(readers, alone);
        var remove = watch.Elapsed;
        foreach (var post in written)
        {
            await store.RemoveFromHomeTimelinesAsync(readers, post);
        }

        return new BreakdownResult(readers.Count, read, write, loop, remove, loopCpu, concurrent);

        async Task FanOutAsync(PostId post)
        {
            await foreach (var batch in store.ReadFollowersInBatchesAsync(author, batchSize).WithCancellation(cancellationToken))
            {
                await store.AddToHomeTimelinesAsync(batch, post);
            }
        }
    }
}
