using System.Diagnostics;
using Social.Benchmarks.Hosted;
using static Social.Benchmarks.Writes.WritesReport;

namespace Social.Benchmarks.Writes;

/// <summary>
/// The write-path scenario: PostgreSQL's own insert limits here, then one real Social.Api process posted to at a
/// rate R and at a multiple of it, open loop, with K readers connected to the feed hub (each author followed by F of
/// them), so that a round shows how much the host acknowledges, how it refuses the rest, and whether what it
/// acknowledges still reaches the followers; last, what the host logged meanwhile.
/// </summary>
internal static class WritesBenchmark
{
    private static readonly TimeSpan s_limitDuration = TimeSpan.FromSeconds(3);

    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken) =>
        ScenarioCommand.RunAsync(args, WritesOptions.Usage, WritesOptions.Parse, RunAsync, cancellationToken);

    private static async Task<int> RunAsync(WritesOptions options, CancellationToken cancellationToken)
    {
        var m = options.FollowsPerReader;
        var overload = options.Overload > 0 ? $", then {options.Overload:0.##} × that" : "";
        Line($"Writes benchmark: {options.Authors} authors, each followed by {options.Followers} of {options.Clients:N0} connected readers ({m} follows each); "
            + $"{options.Rate:N0} posts/s for {options.Seconds} s{overload}; POST timeout {options.Timeout.TotalSeconds:0.#} s; {Environment.ProcessorCount} cores.");
        // The first lines show a host that fails to start; past them, an overloaded host's log is only counted (see the end).
        var output = new HostOutput(echoLimit: 40);
        await using var system = await ApiSystem.StartAsync("writes", options.Host, options.HostEnvironment, output.Add, cancellationToken);
        var api = system.Api;
        Line($"Social.Api at {api.Address}: {system.Dll} (built {File.GetLastWriteTime(system.Dll):yyyy-MM-dd HH:mm}){WithSettings(options)}; PostgreSQL and Redis on loopback.");

        var settings = await PostgresLimits.SettingsAsync(system.Postgres.AdminConnectionString, cancellationToken);
        var limits = options.SkipLimits ? [] : await MeasureLimitsAsync(system, settings, cancellationToken);

        var watch = Stopwatch.StartNew();
        using var http = new SocialHttp(api.Address, WriteRound.MaxConnections);
        var audience = await Audience.SetUpAsync(http, options.Authors, options.Clients,
            r => Enumerable.Range(0, m).Select(k => (int)(((long)r * m + k) % options.Authors)), cancellationToken);
        Line($"{options.Authors + options.Clients:N0} users signed up and {options.Clients * m:N0} follows projected in {watch.Elapsed.TotalSeconds:0.0} s.");

        await using var feeds = new FeedConnections(api.Address);
        watch.Restart();
        await feeds.OpenAsync(audience.ReaderTokens, 32, cancellationToken);
        Line($"{feeds.Connected:N0} readers connected to /hubs/feed in {watch.Elapsed.TotalSeconds:0.0} s.");

        var round = new WriteRound(http, audience, feeds, api, options.Timeout);
        if (options.Warmup > 0)
        {
            var warmup = await round.RunAsync("warm-up", Math.Max(1, options.Rate / 2), options.Warmup, cancellationToken);
            Line($"Warm-up: {warmup.Posts.Created:N0} posts at {Math.Max(1, options.Rate / 2):N0}/s for {options.Warmup} s (not reported).");
        }

        var rounds = new List<WriteRoundResult> { await round.RunAsync("R", options.Rate, options.Seconds, cancellationToken) };
        Round(rounds[^1]);
        if (options.Mentions > 0)
        {
            // Bracketed by plain rounds: a later round runs on a host holding more posts, so only a bracket compares.
            rounds.Add(await round.RunAsync($"R, {options.Mentions} mentions", options.Rate, options.Seconds, cancellationToken, i => MentioningText(options, i)));
            Round(rounds[^1]);
            rounds.Add(await round.RunAsync("R again", options.Rate, options.Seconds, cancellationToken));
            Round(rounds[^1]);
        }

        if (options.Overload > 0)
        {
            rounds.Add(await round.RunAsync($"{options.Overload:0.##}R", options.Rate * options.Overload, options.Seconds, cancellationToken));
            Round(rounds[^1]);
        }

        if (api.HasExited)
        {
            Line("Social.Api has EXITED during the rounds.");
        }

        var lines = output.Lines;
        Log(HostLogScan.Scan(lines), output.Total, lines.Count);
        Tables(rounds, limits, settings);
        return 0;
    }

    private static async Task<IReadOnlyList<InsertLimit>> MeasureLimitsAsync(ApiSystem system, string settings, CancellationToken cancellationToken)
    {
        Line($"PostgreSQL's own limits (the host's server, a database of its own; {settings}), {s_limitDuration.TotalSeconds:0} s each:");
        FsyncNote(settings);
        var database = await PostgresLimits.CreateAsync(system.Postgres, cancellationToken);
        var limits = new List<InsertLimit>();
        foreach (var (pattern, connections, rows) in new[]
        {
            ("1 row per transaction, 1 connection", 1, 1),
            ("1 row per transaction, 8 connections", 8, 1),
            ("100 rows per transaction (INSERT … SELECT FROM unnest), 1 connection", 1, 100),
        })
        {
            limits.Add(await PostgresLimits.MeasureAsync(database, pattern, connections, rows, s_limitDuration, cancellationToken));
            Limit(limits[^1]);
        }

        return limits;
    }

    // Post i mentions M readers (a different M for consecutive posts) and carries a tag shared by all and one of ten.
    private static string MentioningText(WritesOptions options, int i) =>
        $"writes benchmark {i} #writes #bench{i % 10} " + string.Join(' ',
            Enumerable.Range(0, options.Mentions).Select(k => "@" + SocialHttp.Handle(Audience.ReaderPrefix, (int)(((long)i * options.Mentions + k) % options.Clients))));

    private static string WithSettings(WritesOptions options) => options.HostEnvironment.Count == 0
        ? ""
        : $" with {string.Join(", ", options.HostEnvironment.Select(e => $"{e.Key}={e.Value}"))}";
}
