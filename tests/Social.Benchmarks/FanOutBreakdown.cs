using System.Diagnostics;
using Social.Abstractions.ReadModels;
using Social.Domain.Ids;

namespace Social.Benchmarks;

/// <summary>Fan-outs of one author's posts run <see cref="AtOnce"/> at a time outside Orleans, <see cref="Count"/> in all.</summary>
internal sealed record ConcurrentFanOuts(int AtOnce, int Count, int Followers, TimeSpan Elapsed, CpuUse Cpu)
{
    public double DeliveriesPerSecond => (double)Count * Followers / Elapsed.TotalSeconds;
}

/// <summary>The parts of one post's fan-out, timed apart, and several fan-outs at once.</summary>
/// <param name="Followers">The author's followers.</param>
/// <param name="Repeats">How often each part was timed (small fan-outs are repeated); the times are the means.</param>
/// <param name="Read">Reading the followers in batches.</param>
/// <param name="Write">Writing every home timeline, without reading.</param>
/// <param name="Loop">Reading and writing batch by batch, as the grain does.</param>
/// <param name="Remove">Taking the post out of every home timeline.</param>
/// <param name="PartsCpu">The CPU spent over all the parts above (four passes each repeat).</param>
/// <param name="Concurrent">Several loops at once.</param>
internal sealed record BreakdownResult(
    int Followers, int Repeats, TimeSpan Read, TimeSpan Write, TimeSpan Loop, TimeSpan Remove, CpuUse PartsCpu, IReadOnlyList<ConcurrentFanOuts> Concurrent)
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
    // Small fan-outs are repeated until about this many followers were written, so that one batch's noise does not decide.
    private const int FollowersPerPart = 100_000;

    public async Task<BreakdownResult> MeasureAsync(UserId author, IReadOnlyList<int> concurrency, CancellationToken cancellationToken)
    {
        var store = system.ProjectionStore;
        var batchSize = system.Timelines.FanOutBatchSize;
        var written = new List<PostId>();

        var readers = new List<UserId>();
        await foreach (var batch in store.ReadFollowersInBatchesAsync(author, batchSize).WithCancellation(cancellationToken))
        {
            readers.AddRange(batch);
        }

        var repeats = Math.Clamp(FollowersPerPart / Math.Max(1, readers.Count), 1, 100);
        var watch = new Stopwatch();
        var read = TimeSpan.Zero;
        var write = TimeSpan.Zero;
        var loop = TimeSpan.Zero;
        var remove = TimeSpan.Zero;
        var cpu = await new CpuMeter(system.Redis).StartAsync();
        for (var i = 0; i < repeats; i++)
        {
            watch.Restart();
            await foreach (var _ in store.ReadFollowersInBatchesAsync(author, batchSize).WithCancellation(cancellationToken))
            {
            }

            read += watch.Elapsed;

            var alone = PostId.New(DateTimeOffset.UtcNow);
            watch.Restart();
            await store.AddToHomeTimelinesAsync(readers, alone);
            write += watch.Elapsed;

            var interleaved = PostId.New(DateTimeOffset.UtcNow);
            written.Add(interleaved);
            watch.Restart();
            await FanOutAsync(interleaved);
            loop += watch.Elapsed;

            watch.Restart();
            await store.RemoveFromHomeTimelinesAsync(readers, alone);
            remove += watch.Elapsed;
        }

        var partsCpu = await cpu();
        var concurrent = new List<ConcurrentFanOuts>();
        foreach (var count in concurrency)
        {
            var rounds = Math.Clamp(FollowersPerPart / Math.Max(1, count * readers.Count), 1, 100);
            cpu = await new CpuMeter(system.Redis).StartAsync();
            var elapsed = TimeSpan.Zero;
            for (var round = 0; round < rounds; round++)
            {
                var posts = Enumerable.Range(0, count).Select(_ => PostId.New(DateTimeOffset.UtcNow)).ToArray();
                written.AddRange(posts);
                watch.Restart();
                await Task.WhenAll(posts.Select(post => Task.Run(() => FanOutAsync(post), cancellationToken)));
                elapsed += watch.Elapsed;
            }

            concurrent.Add(new ConcurrentFanOuts(count, count * rounds, readers.Count, elapsed, await cpu()));
        }

        foreach (var post in written)
        {
            await store.RemoveFromHomeTimelinesAsync(readers, post);
        }

        return new BreakdownResult(readers.Count, repeats, read / repeats, write / repeats, loop / repeats, remove / repeats, partsCpu, concurrent);

        async Task FanOutAsync(PostId post)
        {
            await foreach (var batch in store.ReadFollowersInBatchesAsync(author, batchSize).WithCancellation(cancellationToken))
            {
                await store.AddToHomeTimelinesAsync(batch, post);
            }
        }
    }
}
