using System.Diagnostics;
using System.Runtime.InteropServices;
using Social.Benchmarks;
using Social.Benchmarks.Blocks;
using Social.Benchmarks.Push;
using Social.Benchmarks.Writes;

// The read side's fan-out end to end (post accepted → in every follower's home timeline), against raw pipelined ZADDs
// on the same Redis in the same run. Starts and stops its own PostgreSQL, Redis and silo; see BenchmarkOptions.Usage.
// With "push" first: the real-time scenario over the real host process instead (Push/PushOptions.Usage).
// With "writes" first: the write path of the real host process at a rate and past it, beside PostgreSQL's own insert
// limits (Writes/WritesOptions.Usage). With "blocks" first: page reads of a reader with 10 000 blocks and mutes
// against one with none (Blocks/BlocksBenchmark.Usage).

if (args.FirstOrDefault() is "push" or "writes" or "blocks")
{
    using var stopHosted = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        // Stop cleanly: the host process, Redis and PostgreSQL are stopped by the scenario's disposals.
        e.Cancel = true;
        stopHosted.Cancel();
    };
    try
    {
        return args[0] switch
        {
            "push" => await PushBenchmark.RunAsync(args[1..], stopHosted.Token),
            "blocks" => await BlocksBenchmark.RunAsync(args[1..], stopHosted.Token),
            _ => await WritesBenchmark.RunAsync(args[1..], stopHosted.Token),
        };
    }
    catch (OperationCanceledException) when (stopHosted.IsCancellationRequested)
    {
        Console.Error.WriteLine("Cancelled; the host process, Redis and PostgreSQL are stopped.");
        return 130;
    }
}

BenchmarkOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(BenchmarkOptions.Usage);
        return 0;
    }

    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine();
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl-C stops the run and then everything it started (PostgreSQL runs detached, so ending at once would leave it
    // running): the process ends when that is done, which takes seconds.
    e.Cancel = true;
    Console.Error.WriteLine(cancel.IsCancellationRequested
        ? "Still stopping the silo, Redis and PostgreSQL…"
        : "Stopping: the silo, Redis and PostgreSQL are being shut down…");
    cancel.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    if (!cancel.IsCancellationRequested)
    {
        Console.Error.WriteLine("Terminated: the silo, Redis and PostgreSQL are being shut down…");
        cancel.Cancel();
    }
});

var report = new Report(options);
var system = new BenchmarkSystem();
var exitCode = 0;
try
{
    var mergeThreshold = options.MergeAtReadThreshold ?? options.Followers.Max() + 1L;
    report.Line($"Starting PostgreSQL, Redis and one silo (loopback only)…");
    var startWatch = Stopwatch.StartNew();
    await system.StartAsync(mergeThreshold, options.Verbose, cancel.Token);
    report.Environment(system, mergeThreshold, startWatch.Elapsed);

    var graph = new FollowerGraph(system, options.SeedConcurrency, report.Line);
    var scenario = new FanOutScenario(system, options, report.Line);
    var baseline = new RawZaddBaseline(system.Redis, system.Timelines.Capacity);
    var breakdown = new FanOutBreakdown(system);
    var batchSize = options.BaselineBatch ?? system.Timelines.FanOutBatchSize;
    foreach (var followers in options.Followers)
    {
        cancel.Token.ThrowIfCancellationRequested();
        var (authors, throughGrains, why) = Plan(options, followers);
        report.Line();
        report.Line($"== {followers:N0} followers: {authors} authors, graph {(throughGrains ? "through the grains" : "WRITTEN DIRECTLY to Redis")} ({why})");

        var seed = await graph.BuildAsync(followers, authors, throughGrains, options.SeedTimeout, cancel.Token);
        report.Seed(seed);

        // Raw writes into fresh keys of the benchmark's own, before the scenario.
        var baselines = new List<BaselineResult>();
        await MeasureBaselinesAsync([BaselineKind.Zadd, BaselineKind.ZaddTrim],
            (kind, parallel) => baseline.MeasureAsync(followers, kind, parallel, batchSize, options.BaselineMinWrites, cancel.Token));

        var measured = await scenario.RunAsync(followers, authors, cancel.Token);

        // Raw writes into the very home timelines the fan-out just wrote, as big as it left them.
        var timelines = Enumerable.Range(0, followers).Select(i => FollowerGraph.HomeTimeline(FollowerGraph.Follower(i))).ToArray();
        await MeasureBaselinesAsync([BaselineKind.ZaddTrim, BaselineKind.ScriptBatch],
            (kind, parallel) => baseline.MeasureOnTimelinesAsync(timelines, kind, parallel, batchSize, options.BaselineMinWrites, cancel.Token));

        var parts = options.Breakdown ? await breakdown.MeasureAsync(FollowerGraph.Author(followers, 0), options.BreakdownConcurrency, cancel.Token) : null;
        report.Memory(await RedisMemoryAsync(system));
        report.Scenario(measured, baselines, parts);

        async Task MeasureBaselinesAsync(BaselineKind[] kinds, Func<BaselineKind, int, Task<BaselineResult>> measure)
        {
            foreach (var kind in kinds)
            {
                foreach (var parallel in options.BaselineParallel)
                {
                    BaselineResult? best = null;
                    for (var repeat = 0; repeat < options.BaselineRepeats; repeat++)
                    {
                        var result = await measure(kind, parallel);
                        best = best is null || result.WritesPerSecond > best.WritesPerSecond ? result : best;
                    }

                    baselines.Add(best!);
                    report.Baseline(best!);
                }
            }
        }
    }

    report.Summary(system.Log.Summary());
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    report.Line("Cancelled.");
    report.Summary(system.Log.Summary());
    exitCode = 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"The benchmark failed: {e}");
    report.Summary(system.Log.Summary());
    exitCode = 1;
}
finally
{
    await system.DisposeAsync();
    Console.Error.WriteLine("Stopped the silo, Redis and PostgreSQL.");
}

return exitCode;

// What Redis holds after a scenario: its memory and key count.
static async Task<string> RedisMemoryAsync(BenchmarkSystem system)
{
    var server = system.Redis.GetServers()[0];
    var memory = (await server.InfoAsync("memory")).SelectMany(g => g).FirstOrDefault(p => p.Key == "used_memory_human").Value;
    return $"Redis holds {await server.DatabaseSizeAsync():N0} keys in {memory}";
}

// How scenario F's follower graph is made (see BenchmarkOptions.Usage, --graph).
static (int Authors, bool ThroughGrains, string Why) Plan(BenchmarkOptions options, int followers)
{
    var follows = (long)options.Authors * followers;
    switch (options.Graph)
    {
        case GraphMode.Grains:
            return (options.Authors, true, "--graph grains");
        case GraphMode.Direct:
            return (options.Authors, false, "--graph direct");
        default:
            if (follows <= options.GrainFollowBudget)
            {
                return (options.Authors, true, $"{follows:N0} follows ≤ --grain-follow-budget {options.GrainFollowBudget:N0}");
            }

            if (followers <= options.GrainFollowBudget)
            {
                var authors = options.GrainFollowBudget / followers;
                return (authors, true,
                    $"--authors {options.Authors} would need {follows:N0} follows; {authors} × {followers:N0} fits --grain-follow-budget {options.GrainFollowBudget:N0}");
            }

            return (options.Authors, false, $"even one author's {followers:N0} follows exceed --grain-follow-budget {options.GrainFollowBudget:N0}");
    }
}
