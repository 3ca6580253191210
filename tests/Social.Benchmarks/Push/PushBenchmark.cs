using System.Diagnostics;
using Social.Benchmarks.Hosted;

namespace Social.Benchmarks.Push;

/// <summary>
/// The real-time scenario: K SignalR clients connected to one Social.Api process, each following one of A authors;
/// the authors post at a steady rate; every postAdded is timed from its post's 201. Then N idle connections are
/// opened on the same instance and the round is measured again with them held.
/// </summary>
internal static class PushBenchmark
{
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken) =>
        ScenarioCommand.RunAsync(args, PushOptions.Usage, PushOptions.Parse, RunAsync, cancellationToken);

    private static async Task<int> RunAsync(PushOptions options, CancellationToken cancellationToken)
    {
        Line($"Push benchmark: {options.Clients:N0} clients following {options.Authors} authors, {options.Rate:N0} posts/s for {options.Seconds} s, then {options.Idle:N0} idle connections; {Environment.ProcessorCount} cores.");
        var output = new HostOutput(echoLimit: long.MaxValue);
        await using var system = await ApiSystem.StartAsync("push", dll: null, new Dictionary<string, string>(), output.Add, cancellationToken);
        var api = system.Api;
        Line($"Social.Api at {api.Address} (one process: web host and silo), PostgreSQL and Redis on loopback.");
        using var http = new SocialHttp(api.Address);

        var watch = Stopwatch.StartNew();
        var audience = await Audience.SetUpAsync(http, options.Authors, options.Clients, i => [i % options.Authors], cancellationToken);
        Line($"{options.Authors + options.Clients:N0} users signed up and {options.Clients:N0} follows projected in {watch.Elapsed.TotalSeconds:0.0} s.");

        await using var feeds = new FeedConnections(api.Address);
        watch.Restart();
        await feeds.OpenAsync(audience.ReaderTokens, 32, cancellationToken);
        Line($"{feeds.Connected:N0} clients connected (WebSockets) in {watch.Elapsed.TotalSeconds:0.0} s; server memory {Mb(api.ResidentBytes)}.");

        var round = new PushRound(http, audience, feeds, api);
        var first = await round.RunAsync(options.Rate, options.Seconds, cancellationToken);
        Report($"{feeds.Connected:N0} connections", first);

        PushRoundResult? second = null;
        var idleHeld = 0;
        if (options.Idle > 0)
        {
            var idleTokens = await http.RegisterAsync("idle", options.IdleUsers, 8, cancellationToken);
            var before = api.ResidentBytes;
            watch.Restart();
            await feeds.OpenAsync([.. Enumerable.Range(0, options.Idle).Select(i => idleTokens[i % idleTokens.Length])], 64, cancellationToken);
            idleHeld = feeds.Connected - options.Clients;
            var after = api.ResidentBytes;
            Line($"{idleHeld:N0} idle connections opened in {watch.Elapsed.TotalSeconds:0.0} s; server memory {Mb(before)} → {Mb(after)} ({(after - before) / 1024.0 / Math.Max(1, idleHeld):0.0} KiB per connection).");
            second = await round.RunAsync(options.Rate, options.Seconds, cancellationToken);
            Report($"{feeds.Connected:N0} connections ({idleHeld:N0} idle)", second);
        }

        Console.WriteLine();
        Console.WriteLine("| connections on one instance | posts/s offered → accepted | pushes/s | accepted → received p50 | p95 | p99 | max | received / expected | server cores |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Row(options.Clients, first);
        if (second is not null)
        {
            Row(options.Clients + idleHeld, second);
        }

        return 0;

        void Row(int connections, PushRoundResult r) => Console.WriteLine(
            $"| {connections:N0} | {r.Offered / (double)options.Seconds:N0} → {r.Accepted / r.PostedIn.TotalSeconds:N0} | {r.Pushes.PerSecond:N0} | {r.Pushes.FromAccepted.P50:0.0} ms | {r.Pushes.FromAccepted.P95:0.0} ms | {r.Pushes.FromAccepted.P99:0.0} ms | {r.Pushes.FromAccepted.Max:0.0} ms | {r.Pushes.Received:N0} / {r.Pushes.Expected:N0} | {r.ServerCores:0.00} |");
    }

    private static void Report(string what, PushRoundResult r)
    {
        Line($"round with {what}: {r.Accepted:N0}/{r.Offered:N0} posts accepted in {r.PostedIn.TotalSeconds:0.0} s ({r.Failed} failed); {r.Pushes.Received:N0}/{r.Pushes.Expected:N0} pushes received ({r.Pushes.Repeated:N0} repeats not counted), {r.Pushes.PerSecond:N0}/s; {r.Connected:N0} still connected");
        Line($"  post accepted → postAdded received: {r.Pushes.FromAccepted} ({r.Pushes.BeforeAccepted:N0} arrived before the 201, counted as 0)");
        Line($"  post sent → postAdded received:     {r.Pushes.FromSent}");
        Line($"  CPU: Social.Api {r.ServerCores:0.00} cores, this program (clients and posters) {r.ClientCores:0.00} cores");
    }

    private static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:N0} MiB";

    private static void Line(string text) => Console.WriteLine(text);
}
