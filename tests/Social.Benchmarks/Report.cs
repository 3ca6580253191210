using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using HdrHistogram;

namespace Social.Benchmarks;

/// <summary>Prints progress and results as they come, then the tables and a markdown block for the README.</summary>
internal sealed class Report(BenchmarkOptions options)
{
    private const double Target = 0.5;
    private readonly List<(ScenarioResult Result, IReadOnlyList<BaselineResult> Baselines, BreakdownResult? Parts)> _scenarios = [];
    private readonly List<SeedReport> _seeds = [];
    private readonly List<string> _notes = [];
    private string _environment = "";
    private long _mergeThreshold;
    private int _batchSize;

    public void Line(string text = "") => Console.WriteLine(text);

    public void Environment(BenchmarkSystem system, long mergeThreshold, TimeSpan startTime)
    {
        _mergeThreshold = mergeThreshold;
        _batchSize = system.Timelines.FanOutBatchSize;
        _environment = Invariant($"{System.Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}, ") +
                       $"Redis {system.RedisVersion}, PostgreSQL {system.PostgresVersion}, one in-process silo";
        Line(Invariant($"Ready in {startTime.TotalSeconds:N1} s: {_environment}"));
        Line($"PostgreSQL on 127.0.0.1:{system.PostgresPort}, Redis on 127.0.0.1:{system.RedisPort}");
        Line(Invariant($"Timelines: capacity {system.Timelines.Capacity}, fan-out batch {_batchSize}, merge-at-read threshold {mergeThreshold:N0}") +
             (options.MergeAtReadThreshold is null ? " (raised from the product default 10 000 so that every post is fanned out on write)" : ""));
        Line(Invariant($"Run: {options.Posts} posts per scenario at {options.Rate:0.##}/s over the authors; ") +
             $"{options.VerifySample} random followers + the first + the last checked with ZSCORE per post");
    }

    public void Seed(SeedReport seed)
    {
        _seeds.Add(seed);
        Line(Invariant($"  graph: {seed.NewRegistrations:N0} users registered through IUserGrain.RegisterAsync in {seed.RegisterTime.TotalSeconds:N1} s ") +
             Invariant($"({seed.RegistrationsPerSecond:N0}/s)"));
        if (seed.ThroughGrains)
        {
            Line(Invariant($"  graph: {seed.Follows:N0} follows through IUserGrain.FollowAsync in {seed.FollowTime.TotalSeconds:N1} s, in the read model ") +
                 Invariant($"{seed.ProjectionLag.TotalSeconds:N1} s later ({seed.FollowsPerSecond:N0} follows/s end to end)"));
        }
        else
        {
            var note = Invariant($"{seed.Followers:N0} followers: the {seed.Follows:N0} follow edges were WRITTEN DIRECTLY into the Redis follower sets ") +
                       "(s:followers:*, s:following:*, as the follow projection leaves them), not through the grains and the event store" +
                       (seed.UnregisteredFollowers > 0
                           ? Invariant($"; {seed.UnregisteredFollowers:N0} of the followers were not registered (the fan-out reads only the follower set).")
                           : ".");
            _notes.Add(note);
            Line($"  graph: NOTE {note}");
        }
    }

    public void Baseline(BaselineResult result) =>
        Line(Invariant($"  raw {result.Name,-47} batch {result.BatchSize}, {result.Parallel} in flight: {result.WritesPerSecond,9:N0} writes/s ") +
             Invariant($"({result.Writes:N0} in {result.Elapsed.TotalSeconds:N2} s); {result.Cpu.Describe(result.Writes, "write")}"));

    public void Scenario(ScenarioResult result, IReadOnlyList<BaselineResult> baselines, BreakdownResult? parts)
    {
        _scenarios.Add((result, baselines, parts));
        var raw = BestRaw(baselines, BaselineKind.ZaddTrim, onTimelines: true);
        var rawFresh = BestRaw(baselines, BaselineKind.ZaddTrim, onTimelines: false);
        var deliveries = result.Completed * (long)result.Followers;
        Line(Invariant($"  fan-out: {result.Completed}/{result.Posts} posts complete, {deliveries:N0} deliveries in {result.Elapsed.TotalSeconds:N2} s ") +
             Invariant($"= {result.DeliveriesPerSecond:N0}/s (offered {result.OfferedDeliveriesPerSecond:N0}/s, {(result.KeptUp ? "kept up" : "saturated")}); ") +
             Invariant($"ratio to raw ZADD+trim into the home timelines {result.DeliveriesPerSecond / raw:N2}, into fresh keys {result.DeliveriesPerSecond / rawFresh:N2}") +
             (result.KeptUp ? " (limited by the offered rate: not capacity figures)" : ""));
        Line($"  fan-out {result.Cpu.Describe(deliveries, "delivery")}");
        Line($"  latency accepted → in all timelines: {Percentiles(result.Latency)}");
        Line($"    accepted → creation applied (event store, stream, projection): {Percentiles(result.Transport)}");
        Line($"    applied → fan-out complete: {Percentiles(result.FanOut)}; CreateAsync itself: {Percentiles(result.AcceptLatency)}");
        Line($"  one post on an idle system (end to end = stream + fan-out): " +
             string.Join(", ", result.SinglePosts.Select(p => $"{Ms(p.EndToEnd)} = {Ms(p.Transport)} + {Ms(p.FanOut)}")));
        Line(Invariant($"  verified {result.Verified:N0} home-timeline entries with ZSCORE: {result.Missing} missing; ") +
             $"{result.FoundByPoll} completions seen first by the fallback poll");
        if (parts is not null)
        {
            var per = (TimeSpan t) => BreakdownResult.MicrosPerFollower(t, parts.Followers).ToString("N2", CultureInfo.InvariantCulture);
            var rawOne = RawOneInFlight(baselines);
            Line($"  one fan-out's parts outside Orleans, µs per follower: read followers {per(parts.Read)}, write timelines {per(parts.Write)}, " +
                 $"both interleaved as the grain does {per(parts.Loop)}" +
                 (double.IsNaN(rawOne) ? "" : Invariant($" (raw ZADD+trim into the home timelines, 1 in flight: {rawOne:N2})")) +
                 $"; removing (delete fan-out) {per(parts.Remove)}" +
                 (parts.Repeats > 1 ? $"; means of {parts.Repeats} repeats" : "") +
                 $"; {parts.PartsCpu.Describe(4L * parts.Repeats * parts.Followers, "follower pass")}");
            foreach (var run in parts.Concurrent)
            {
                Line(Invariant($"  {run.AtOnce,3} such fan-outs at once outside Orleans ({run.Count} in all): {run.DeliveriesPerSecond,9:N0} deliveries/s ") +
                     Invariant($"(ratio to raw ZADD+trim {run.DeliveriesPerSecond / raw:N2}); {run.Cpu.Describe((long)run.Count * run.Followers, "delivery")}"));
            }
        }
    }

    public void Memory(string text) => Line($"  {text}");

    public void Summary(IReadOnlyList<string> siloLog)
    {
        if (_scenarios.Count == 0)
        {
            return;
        }

        var table = ResultsTable();
        var parts = PartsTable();
        Line();
        Line("Results");
        Line(table);
        Line();
        Line("One post's fan-out on an idle system: end to end = stream + fan-out; then µs per follower (\"outside Orleans\" = the same IProjectionStore calls made directly)");
        Line(parts);
        foreach (var line in SeedLines())
        {
            Line(line);
        }

        Line(siloLog.Count == 0 ? "Silo log: no errors." : "Silo log, by kind:");
        foreach (var line in siloLog)
        {
            Line(line);
        }

        Line();
        // Four backticks, so that the block's own fenced command does not end it.
        Line("````markdown");
        Line(Markdown(table, parts));
        Line("````");
    }

    private string ResultsTable()
    {
        var rows = new List<string[]>
        {
            new[]
            {
                "followers", "authors", "graph", "posts", "deliveries/s", "offered/s", "p50", "p99", "fan-out p50",
                "raw timelines/s", "ratio", "raw fresh/s", "ratio fresh", "raw ZADD fresh/s", "script/batch/s", "others", "missing",
            },
        };
        foreach (var (r, baselines, _) in _scenarios)
        {
            var rawTimelines = BestRaw(baselines, BaselineKind.ZaddTrim, onTimelines: true);
            var rawFresh = BestRaw(baselines, BaselineKind.ZaddTrim, onTimelines: false);
            var mark = r.KeptUp ? "*" : "";
            rows.Add(
            [
                N(r.Followers), N(r.Authors), _seeds.FirstOrDefault(s => s.Followers == r.Followers)?.ThroughGrains == false ? "direct" : "grains",
                $"{r.Completed}/{r.Posts}", N(r.DeliveriesPerSecond), N(r.OfferedDeliveriesPerSecond) + (r.KeptUp ? " (kept up)" : ""),
                Ms(r.Latency.GetValueAtPercentile(50)), Ms(r.Latency.GetValueAtPercentile(99)), Ms(r.FanOut.GetValueAtPercentile(50)),
                N(rawTimelines), Ratio(r.DeliveriesPerSecond / rawTimelines) + mark, N(rawFresh), Ratio(r.DeliveriesPerSecond / rawFresh) + mark,
                N(BestRaw(baselines, BaselineKind.Zadd, onTimelines: false)), N(BestRaw(baselines, BaselineKind.ScriptBatch, onTimelines: true)),
                double.IsNaN(r.Cpu.OtherCores) ? "-" : Math.Max(0, r.Cpu.OtherCores).ToString("N1", CultureInfo.InvariantCulture), $"{r.Missing}/{r.Verified}",
            ]);
        }

        return Format(rows, leftAligned: 2);
    }

    private string PartsTable()
    {
        var rows = new List<string[]>
        {
            new[]
            {
                "followers", "end to end", "stream", "fan-out", "fan-out µs/f", "outside Orleans", "read only", "write only", "raw ZADD+trim", "remove",
            },
        };
        foreach (var (r, baselines, parts) in _scenarios)
        {
            var single = r.SinglePostMedian;
            var rawOne = RawOneInFlight(baselines);
            string Per(TimeSpan t) => parts is null ? "-" : BreakdownResult.MicrosPerFollower(t, parts.Followers).ToString("N2", CultureInfo.InvariantCulture);
            rows.Add(
            [
                N(r.Followers), Ms(single.EndToEnd), Ms(single.Transport), Ms(single.FanOut),
                (single.FanOut.TotalMicroseconds / r.Followers).ToString("N2", CultureInfo.InvariantCulture),
                parts is null ? "-" : Per(parts.Loop), parts is null ? "-" : Per(parts.Read), parts is null ? "-" : Per(parts.Write),
                rawOne.ToString("N2", CultureInfo.InvariantCulture), parts is null ? "-" : Per(parts.Remove),
            ]);
        }

        return Format(rows, leftAligned: -1);
    }

    private static string Format(List<string[]> rows, int leftAligned)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            text.Append("| ").AppendJoin(" | ", rows[i].Select((cell, c) => c == leftAligned || i == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c])))
                .AppendLine(" |");
            if (i == 0)
            {
                text.Append('|').AppendJoin('|', widths.Select((w, c) => c == leftAligned ? new string('-', w + 2) : new string('-', w + 1) + ":")).AppendLine("|");
            }
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>How fast the graph was made through the grains, and what the direct graphs would have taken that way.</summary>
    private List<string> SeedLines()
    {
        var lines = new List<string>();
        var grains = _seeds.Where(s => s.ThroughGrains && s.Follows > 0).ToList();
        if (grains.Count == 0)
        {
            return lines;
        }

        var registrations = grains.Sum(s => (double)s.NewRegistrations) / grains.Sum(s => s.RegisterTime.TotalSeconds);
        var follows = grains.Sum(s => (double)s.Follows) / grains.Sum(s => (s.FollowTime + s.ProjectionLag).TotalSeconds);
        lines.Add(Invariant($"Graph through the grains ({options.SeedConcurrency} calls in flight): {registrations:N0} registrations/s, {follows:N0} follows/s ") +
                  "(each one event appended, streamed and projected).");
        foreach (var direct in _seeds.Where(s => !s.ThroughGrains))
        {
            var minutes = (direct.UnregisteredFollowers / registrations + direct.Follows / follows) / 60;
            lines.Add(Invariant($"The direct graph of {direct.Followers:N0} followers × {direct.Authors} authors would take ≈ {minutes:N0} min through the grains ") +
                      "at these rates (--graph grains; fewer authors take proportionally less).");
        }

        return lines;
    }

    private string Markdown(string table, string parts)
    {
        var text = new StringBuilder();
        text.AppendLine("### Fan-out benchmark").AppendLine();
        text.AppendLine("```sh").AppendLine(options.ReproduceCommand()).AppendLine("```").AppendLine();
        text.AppendLine(Invariant(
            $"{_environment}. In each scenario the authors, each followed by F followers, post {options.Posts} posts at {options.Rate:0.##}/s in all. ") +
            "Latency runs from `CreateAsync` returning until the post's projection checkpoint says its fan-out is complete " +
            "(`done` = `applied` in `s:cp:post-{id}`, seen through keyspace notifications); every post is then checked with `ZSCORE` " +
            "in the home timelines (`s:home:{handle}`) of its first and last follower and of random ones (\"missing\"). " +
            "Deliveries/s = posts × F ÷ (first accepted → last complete); fan-out p50 = creation applied → fan-out complete. " +
            Invariant($"Raw = pipelined ZADD + the store's trim (ZREMRANGEBYRANK) per timeline from StackExchange.Redis to the same Redis, in batches of {_batchSize}, ") +
            $"best of {string.Join(", ", options.BaselineParallel)} batches in flight, measured right after the scenario into its own home timelines " +
            "(\"raw timelines\": the same sorted sets, as big as the fan-out left them) and before it into fresh keys (\"raw fresh\": small sorted sets); " +
            $"ratio = deliveries/s ÷ raw/s (target ≥ {Target}; * = the fan-out kept up with the offered rate, so the ratio shows the offer, not the capacity). " +
            "Script/batch/s = one EVALSHA per batch doing every timeline's ZADD and trim inside Redis, into the home timelines: a possible design, not the store's. " +
            "Others = cores busy during the fan-out with anything but this process and Redis (PostgreSQL, and any other program on the machine: " +
            "a high figure means a disturbed run). " +
            Invariant($"Merge-at-read threshold {_mergeThreshold:N0}") +
            (options.MergeAtReadThreshold is null ? " (raised so that every post is fanned out on write)." : "."));
        text.AppendLine().AppendLine(table);
        text.AppendLine().AppendLine("One post's fan-out on an idle system (stream = accepted → creation applied; µs per follower from \"fan-out µs/f\" on; " +
                                     "\"outside Orleans\" = the same `IProjectionStore` calls made directly; raw = ZADD+trim into the home timelines, 1 batch in flight):");
        text.AppendLine().AppendLine(parts);
        if (_notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in _notes)
            {
                text.AppendLine($"Note: {note}");
            }
        }

        var scaling = _scenarios.Where(s => s.Result.SinglePosts.Count > 0).ToList();
        if (scaling.Count > 1)
        {
            var first = scaling[0].Result;
            text.AppendLine().Append("Fan-out time of one post: ").AppendJoin("; ", scaling.Select(s => Invariant(
                $"{N(s.Result.Followers)} followers {Ms(s.Result.SinglePostMedian.FanOut)} ") + Invariant(
                $"(×{s.Result.SinglePostMedian.FanOut / first.SinglePostMedian.FanOut:N1} for ×{(double)s.Result.Followers / first.Followers:N0} followers)")))
                .AppendLine(".");
        }

        return text.ToString().TrimEnd();
    }

    private static string Percentiles(LongHistogram histogram) =>
        $"p50 {Ms(histogram.GetValueAtPercentile(50))}, p99 {Ms(histogram.GetValueAtPercentile(99))}, max {Ms(histogram.GetMaxValue())}";

    private static double BestRaw(IReadOnlyList<BaselineResult> baselines, BaselineKind kind, bool onTimelines) =>
        baselines.Where(b => b.Kind == kind && b.OnTimelines == onTimelines).Select(b => b.WritesPerSecond).DefaultIfEmpty(double.NaN).Max();

    /// <summary>µs per timeline of raw ZADD+trim into the home timelines with one batch in flight, as one fan-out sends them.</summary>
    private static double RawOneInFlight(IReadOnlyList<BaselineResult> baselines) =>
        baselines.Where(b => b.Kind == BaselineKind.ZaddTrim && b.OnTimelines && b.Parallel == 1).Select(b => 1e6 / b.WritesPerSecond)
            .DefaultIfEmpty(double.NaN).First();

    private static string Ratio(double value) => value.ToString("N2", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(long micros) => Ms(TimeSpan.FromTicks(micros * 10));

    private static string Ms(TimeSpan time) => time.TotalMilliseconds switch
    {
        < 10 => time.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture) + " ms",
        < 10_000 => time.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms",
        _ => time.TotalSeconds.ToString("N1", CultureInfo.InvariantCulture) + " s",
    };
}
