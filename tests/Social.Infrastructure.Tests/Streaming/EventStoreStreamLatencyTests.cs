using System.Diagnostics;
using System.Globalization;
using Social.Infrastructure.EventStore;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.Streaming;

/// <summary>Runs alone, after the parallel tests, so that the figures are not those of a busy machine.</summary>
[CollectionDefinition(nameof(LatencyCollection), DisableParallelization = true)]
public sealed class LatencyCollection;

[Collection(nameof(LatencyCollection))]
public sealed class EventStoreStreamLatencyTests(StoresFixture stores)
{
    private const int Streams = 16;
    private const int Appends = 500;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CommitToConsumer_500Appends_TakesMillisecondsNotAPollInterval()
    {
        await using var database = await StreamDatabase.CreateAsync(stores.Postgres);
        await using var cluster = await StreamCluster.StartAsync(database);
        long committedAt = 0;
        var store = new PostgresEventStore(database.DataSource, async transaction =>
        {
            await transaction.CommitAsync(CancellationToken.None);
            committedAt = Stopwatch.GetTimestamp();
        });
        var streams = Enumerable.Range(0, Streams).Select(i => StreamDatabase.NewStreamId($"latency{i}")).ToList();

        // A stream's first event also activates its consumer and registers the stream with the pulling agent.
        var first = new List<TimeSpan>();
        foreach (var stream in streams)
        {
            first.Add(await AppendAndWaitAsync(store, stream, 1, () => committedAt));
        }

        var latencies = new List<TimeSpan>();
        for (var i = 0; i < Appends; i++)
        {
            latencies.Add(await AppendAndWaitAsync(store, streams[i % Streams], 2 + (i / Streams), () => committedAt));
        }

        latencies.Sort();
        first.Sort();
        var report = string.Create(
            CultureInfo.InvariantCulture,
            $"commit -> consumer over {Appends} appends on {Streams} streams, 2 silos: " +
            $"p50 {Ms(Percentile(latencies, 0.50))} ms, p90 {Ms(Percentile(latencies, 0.90))} ms, " +
            $"p99 {Ms(Percentile(latencies, 0.99))} ms, max {Ms(latencies[^1])} ms; " +
            $"first event of a stream (consumer activation included): p50 {Ms(Percentile(first, 0.50))} ms, max {Ms(first[^1])} ms");
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Console.WriteLine(report);
        TestContext.Current.AddAttachment("latency", report);

        // Generous bounds, so that a slow machine does not fail the test; the figures above are what matters.
        Assert.True(Percentile(latencies, 0.50) < TimeSpan.FromMilliseconds(250), report);
        Assert.True(latencies[^1] < TimeSpan.FromSeconds(5), report);
    }

    private static async Task<TimeSpan> AppendAndWaitAsync(PostgresEventStore store, string stream, long version, Func<long> committedAt)
    {
        var arrived = DeliveryWatch.WaitFor(stream, version);
        await store.AppendAsync(stream, version - 1, [StreamDatabase.NewEvent((int)version)], cancellationToken: Ct);
        var at = await arrived.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var latency = Stopwatch.GetElapsedTime(committedAt(), at);
        return latency < TimeSpan.Zero ? TimeSpan.Zero : latency;
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
}
