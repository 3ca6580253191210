using System.Diagnostics;
using System.Security.Cryptography;
using Social.Testing;

namespace Social.Benchmarks.Push;

/// <summary>
/// The real-time scenario: K SignalR clients connected to one Social.Api process, each following one of A authors;
/// the authors post at a steady rate; every postAdded is timed from its post's 201. Then N idle connections are
/// opened on the same instance and the round is measured again with them held.
/// </summary>
internal static class PushBenchmark
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        PushOptions options;
        try
        {
            if (args.Contains("--help") || args.Contains("-h"))
            {
                Console.WriteLine(PushOptions.Usage);
                return 0;
            }

            options = PushOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(PushOptions.Usage);
            return 2;
        }

        Line($"Push benchmark: {options.Clients:N0} clients following {options.Authors} authors, {options.Rate:N0} posts/s for {options.Seconds} s, then {options.Idle:N0} idle connections; {Environment.ProcessorCount} cores.");
        await using var postgres = await PostgresServer.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        await using var api = await HostProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = await postgres.CreateDatabaseAsync("push"),
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["Social__Jwt__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Social__Cluster__Mode"] = "Localhost",
            ["Social__RateLimit__WritesPerWindow"] = "1000000",
        }, line => Console.Error.WriteLine($"  [api] {line}"), cancellationToken);
        Line($"Social.Api at {api.Address} (one process: web host and silo), PostgreSQL and Redis on loopback.");
        using var http = new SocialHttp(api.Address);

        var watch = Stopwatch.StartNew();
        var authors = await http.RegisterAsync("author", options.Authors, 8, cancellationToken);
        var readers = await http.RegisterAsync("reader", options.Clients, 8, cancellationToken);
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Clients), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) => await http.FollowAsync(readers[i], SocialHttp.Handle("author", i % options.Authors), ct));
        var followersOfAuthor = Enumerable.Range(0, options.Authors).Select(a => Enumerable.Range(0, options.Clients).Count(i => i % options.Authors == a)).ToArray();
        await WaitForFollowersAsync(http, followersOfAuthor, cancellationToken);
        Line($"{options.Authors + options.Clients:N0} users signed up and {options.Clients:N0} follows projected in {watch.Elapsed.TotalSeconds:0.0} s.");

        await using var feeds = new FeedConnections(api.Address);
        watch.Restart();
        await feeds.OpenAsync(readers, 32, cancellationToken);
        Line($"{feeds.Connected:N0} clients connected (WebSockets) in {watch.Elapsed.TotalSeconds:0.0} s; server memory {Mb(api.ResidentBytes)}.");

        var round = new PushRound(http, authors, followersOfAuthor, feeds, api);
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
            $"| {connections:N0} | {r.Offered / (double)options.Seconds:N0} → {r.Accepted / r.PostedIn.TotalSeconds:N0} | {r.PushesPerSecond:N0} | {r.FromAccepted.P50:0.0} ms | {r.FromAccepted.P95:0.0} ms | {r.FromAccepted.P99:0.0} ms | {r.FromAccepted.Max:0.0} ms | {r.Received:N0} / {r.Expected:N0} | {r.ServerCores:0.00} |");
    }

    private static void Report(string what, PushRoundResult r)
    {
        Line($"round with {what}: {r.Accepted:N0}/{r.Offered:N0} posts accepted in {r.PostedIn.TotalSeconds:0.0} s ({r.Failed} failed); {r.Received:N0}/{r.Expected:N0} pushes received, {r.PushesPerSecond:N0}/s; {r.Connected:N0} still connected");
        Line($"  post accepted → postAdded received: {r.FromAccepted} ({r.BeforeAccepted:N0} arrived before the 201, counted as 0)");
        Line($"  post sent → postAdded received:     {r.FromSent}");
        Line($"  CPU: Social.Api {r.ServerCores:0.00} cores, this program (clients and posters) {r.ClientCores:0.00} cores");
    }

    private static async Task WaitForFollowersAsync(SocialHttp http, int[] expected, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        for (var a = 0; a < expected.Length; a++)
        {
            while (await http.FollowersAsync(SocialHttp.Handle("author", a), cancellationToken) < expected[a])
            {
                if (watch.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException("The follows were not projected within 2 minutes.");
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:N0} MiB";

    private static void Line(string text) => Console.WriteLine(text);
}
