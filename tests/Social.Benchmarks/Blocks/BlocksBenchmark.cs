using System.Diagnostics;
using System.Net.Http.Json;
using Social.Benchmarks.Hosted;
using StackExchange.Redis;

namespace Social.Benchmarks.Blocks;

/// <summary>
/// What 10 000 blocks and 10 000 mutes cost a reader: two readers follow the same authors and read the same pages
/// from the real host, one with none and one with that many, in alternating rounds; then posts are made and the two
/// readers' <c>postAdded</c> latencies compared (the fan-out script checks each reader's sets). The many blocks and mutes are written straight into the read model's
/// sets (registering 10 000 users here takes minutes); a page's and a fan-out's cost depends only on those sets.
/// </summary>
internal static class BlocksBenchmark
{
    public const string Usage = """
        Social.Benchmarks blocks: page reads and pushes of a reader with N blocks and N mutes against one with none, on
        one real Social.Api process (the program starts its own PostgreSQL and Redis).

        dotnet run -c Release --project tests/Social.Benchmarks -- blocks [--blocks N] [--seconds S] [--rounds R]

          --blocks N    blocks and mutes of the second reader, each (default 10000)
          --seconds S   length of each read round (default 5)
          --rounds R    read rounds per reader, alternated (default 3)
        """;

    private const int Authors = 20;
    private const int PostsPerAuthor = 20;
    private const int Concurrency = 16;

    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken) =>
        ScenarioCommand.RunAsync(args, Usage, Parse, RunAsync, cancellationToken);

    private static Options Parse(string[] args)
    {
        var options = new Options(10_000, 5, 3);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--blocks" => options with { Blocks = OptionValues.Int(name, Value(), 0, 1_000_000) },
                "--seconds" => options with { Seconds = OptionValues.Int(name, Value(), 1, 600) },
                "--rounds" => options with { Rounds = OptionValues.Int(name, Value(), 1, 100) },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }

        return options;
    }

    private static async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        var output = new HostOutput(echoLimit: 20);
        await using var system = await ApiSystem.StartAsync("blocks", null, new Dictionary<string, string>(), output.Add, cancellationToken);
        using var http = new SocialHttp(system.Api.Address, 256);
        var authors = await http.RegisterAsync("author", Authors, 8, cancellationToken);
        var readers = await http.RegisterAsync("reader", 2, 2, cancellationToken);
        for (var r = 0; r < readers.Length; r++)
        {
            for (var a = 0; a < Authors; a++)
            {
                await http.FollowAsync(readers[r], SocialHttp.Handle("author", a), cancellationToken);
            }
        }

        for (var p = 0; p < PostsPerAuthor; p++)
        {
            // Mentions of both readers, so that their notification pages have items to check.
            await Task.WhenAll(authors.Select(token => PostAsync(http, token, $"post {p} for @reader_0 and @reader_1", cancellationToken)));
        }

        await SeedBlocksAsync(system.Redis.ConnectionString, SocialHttp.Handle("reader", 1), options.Blocks);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        Console.WriteLine($"Blocks benchmark: {Authors} authors × {PostsPerAuthor} posts followed by two readers; the second has {options.Blocks:N0} blocks and {options.Blocks:N0} mutes; {Concurrency} concurrent requests, {options.Rounds} alternated rounds of {options.Seconds} s; {Environment.ProcessorCount} cores.");

        Console.WriteLine("| reader | page | req/s (each round) | p50 | p99 |");
        Console.WriteLine("| --- | --- | --- | ---: | ---: |");
        foreach (var path in new[] { "/api/timelines/home?limit=20", "/api/notifications?limit=20", "/api/users/me/blocks?limit=20" })
        {
            var results = new[] { new List<double>(), new List<double>() };
            var latencies = new[] { new Latencies(), new Latencies() };
            for (var round = 0; round < options.Rounds; round++)
            {
                for (var r = 0; r < 2; r++)
                {
                    using var client = http.As(readers[r]);
                    results[r].Add(await ReadRoundAsync(client, path, options.Seconds, latencies[r], cancellationToken));
                }
            }

            for (var r = 0; r < 2; r++)
            {
                var p = latencies[r].Percentiles;
                Console.WriteLine($"| {(r == 0 ? "no blocks" : $"{options.Blocks:N0} blocks and mutes")} | `{path}` | {string.Join(", ", results[r].Select(x => x.ToString("N0")))} | {p.P50:0.0} ms | {p.P99:0.0} ms |");
            }
        }

        await MeasurePushesAsync(http, system.Api.Address, authors, readers, options.Blocks, cancellationToken);
        return 0;
    }

    // Both readers connected to the hub; the authors post in turn, 20 a second for 10 s; each reader's postAdded is
    // timed from the post's 201.
    private static async Task MeasurePushesAsync(
        SocialHttp http, Uri address, string[] authors, string[] readers, int blocks, CancellationToken cancellationToken)
    {
        // One set of connections per reader, so that each one's receipts are its own.
        await using var plain = new FeedConnections(address);
        await using var blocking = new FeedConnections(address);
        await plain.OpenAsync([readers[0]], 1, cancellationToken);
        await blocking.OpenAsync([readers[1]], 1, cancellationToken);
        FeedConnections[] feeds = [plain, blocking];
        var created = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        for (var i = 0; i < 200; i++)
        {
            using var client = http.As(authors[i % authors.Length]);
            var response = SocialHttp.Ensure(await client.PostAsJsonAsync("/api/posts", new { text = $"pushed {i}" }, cancellationToken), "post");
            created[(await response.Content.ReadFromJsonAsync<Created>(cancellationToken))!.Id] = Stopwatch.GetTimestamp();
            await Task.Delay(50, cancellationToken);
        }

        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var latencies = new[] { new Latencies(), new Latencies() };
        for (var r = 0; r < 2; r++)
        {
            foreach (var (id, _, at) in feeds[r].Received.DistinctBy(receipt => receipt.Id))
            {
                if (created.TryGetValue(id, out var sent))
                {
                    latencies[r].Record(sent, at);
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("| reader | postAdded received | post accepted → postAdded p50 | p99 |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        for (var r = 0; r < 2; r++)
        {
            var p = latencies[r].Percentiles;
            Console.WriteLine($"| {(r == 0 ? "no blocks" : $"{blocks:N0} blocks and mutes")} | {p.Count} / {created.Count} | {p.P50:0.0} ms | {p.P99:0.0} ms |");
        }
    }

    private sealed record Created(string Id);

    // Closed loop: Concurrency requests in flight for the round's length; answers the requests per second.
    private static async Task<double> ReadRoundAsync(HttpClient client, string path, int seconds, Latencies latencies, CancellationToken cancellationToken)
    {
        var count = 0L;
        var end = Stopwatch.GetTimestamp() + seconds * Stopwatch.Frequency;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path, cancellationToken);
                SocialHttp.Ensure(response, path);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                latencies.Record(start, Stopwatch.GetTimestamp());
                Interlocked.Increment(ref count);
            }
        }));
        return count / watch.Elapsed.TotalSeconds;
    }

    private static async Task PostAsync(SocialHttp http, string token, string text, CancellationToken cancellationToken)
    {
        using var client = http.As(token);
        SocialHttp.Ensure(await client.PostAsJsonAsync("/api/posts", new { text }, cancellationToken), "post");
    }

    // The sets a block or mute event's projection writes, for made-up users.
    private static async Task SeedBlocksAsync(string redis, string reader, int count)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var db = connection.GetDatabase();
        var others = Enumerable.Range(0, count).Select(i => new SortedSetEntry($"blocked_{i}", 0)).ToArray();
        foreach (var chunk in others.Chunk(1000))
        {
            await db.SortedSetAddAsync($"s:blocking:{reader}", chunk);
            await db.SortedSetAddAsync($"s:muting:{reader}", [.. chunk.Select(e => new SortedSetEntry($"muted_{e.Element}", 0))]);
            await db.SortedSetAddAsync($"s:blockedby:{reader}", [.. chunk.Select(e => new SortedSetEntry($"blocker_{e.Element}", 0))]);
        }
    }

    private sealed record Options(int Blocks, int Seconds, int Rounds);
}
