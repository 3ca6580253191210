using System.Diagnostics;
using System.Net.Http.Json;
using HdrHistogram;
using Social.Testing;

namespace Social.Benchmarks.Push;

/// <summary>
/// One round: posts at a steady rate (open loop: each post is sent when due, whether or not earlier ones returned),
/// then waits for the pushes and measures, per delivery, post accepted (the 201 arrived) → postAdded received.
/// </summary>
internal sealed class PushRound(SocialHttp http, string[] authorTokens, int[] followersOfAuthor, FeedConnections feeds, HostProcess api)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    public async Task<PushRoundResult> RunAsync(int rate, int seconds, CancellationToken cancellationToken)
    {
        feeds.ClearReceived();
        var authors = authorTokens.Select(http.As).ToArray();
        var count = rate * seconds;
        var sent = new long[count];
        var accepted = new long[count];
        var ids = new string?[count];
        var failures = 0;
        var interval = (double)Stopwatch.Frequency / rate;
        var serverCpu = api.CpuTime;
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var posting = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i * interval);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(2))
            {
                await Task.Delay(wait, cancellationToken);
            }

            var index = i;
            posting.Add(Task.Run(async () =>
            {
                sent[index] = Stopwatch.GetTimestamp();
                try
                {
                    var response = await authors[index % authors.Length].PostAsJsonAsync("/api/posts", new { text = $"push benchmark {index}" }, cancellationToken);
                    accepted[index] = Stopwatch.GetTimestamp();
                    ids[index] = response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<Created>(cancellationToken))!.Id : null;
                }
                catch (HttpRequestException)
                {
                }

                if (ids[index] is null)
                {
                    Interlocked.Increment(ref failures);
                }
            }, cancellationToken));
        }

        await Task.WhenAll(posting);
        var postedIn = Stopwatch.GetElapsedTime(start);
        var expected = Enumerable.Range(0, count).Where(i => ids[i] is not null).Sum(i => (long)followersOfAuthor[i % authors.Length]);
        var settle = Stopwatch.StartNew();
        while (feeds.Received.Count < expected && settle.Elapsed < Settle)
        {
            await Task.Delay(50, cancellationToken);
        }

        var wall = Stopwatch.GetElapsedTime(start);
        var result = Measure(ids, sent, accepted, expected);
        return result with
        {
            Offered = count,
            Failed = failures,
            PostedIn = postedIn,
            ServerCores = (api.CpuTime - serverCpu) / wall,
            ClientCores = (Process.GetCurrentProcess().TotalProcessorTime - ownCpu) / wall,
        };
    }

    private PushRoundResult Measure(string?[] ids, long[] sent, long[] accepted, long expected)
    {
        var index = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            if (ids[i] is { } id)
            {
                index[id] = i;
            }
        }

        var fromAccepted = new LongHistogram(TimeSpan.FromMinutes(10).Ticks / 10, 3);
        var fromSent = new LongHistogram(TimeSpan.FromMinutes(10).Ticks / 10, 3);
        long received = 0, beforeAccepted = 0;
        long first = long.MaxValue, last = 0;
        foreach (var (id, at) in feeds.Received)
        {
            if (!index.TryGetValue(id, out var i))
            {
                continue;
            }

            received++;
            first = Math.Min(first, at);
            last = Math.Max(last, at);
            var afterAccepted = Microseconds(at - accepted[i]);
            beforeAccepted += afterAccepted < 0 ? 1 : 0;
            fromAccepted.RecordValue(Math.Max(0, afterAccepted));
            fromSent.RecordValue(Math.Max(0, Microseconds(at - sent[i])));
        }

        return new PushRoundResult(
            Accepted: index.Count, Expected: expected, Received: received, BeforeAccepted: beforeAccepted,
            PushesPerSecond: received / Math.Max(0.001, Stopwatch.GetElapsedTime(first == long.MaxValue ? 0 : first, last).TotalSeconds),
            FromAccepted: Percentiles.Of(fromAccepted), FromSent: Percentiles.Of(fromSent),
            Connected: feeds.Connected);
    }

    private static long Microseconds(long stopwatchTicks) => stopwatchTicks * 1_000_000 / Stopwatch.Frequency;

    private sealed record Created(string Id);
}

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record Percentiles(double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(LongHistogram microseconds) => microseconds.TotalCount == 0
        ? new Percentiles(0, 0, 0, 0)
        : new Percentiles(Ms(microseconds.GetValueAtPercentile(50)), Ms(microseconds.GetValueAtPercentile(95)),
            Ms(microseconds.GetValueAtPercentile(99)), Ms(microseconds.GetMaxValue()));

    public override string ToString() => $"p50 {P50:0.0} ms, p95 {P95:0.0} ms, p99 {P99:0.0} ms, max {Max:0.0} ms";

    private static double Ms(long microseconds) => microseconds / 1000.0;
}

internal sealed record PushRoundResult(
    long Accepted, long Expected, long Received, long BeforeAccepted, double PushesPerSecond,
    Percentiles FromAccepted, Percentiles FromSent, int Connected)
{
    public int Offered { get; init; }

    public int Failed { get; init; }

    public TimeSpan PostedIn { get; init; }

    public double ServerCores { get; init; }

    public double ClientCores { get; init; }
}
