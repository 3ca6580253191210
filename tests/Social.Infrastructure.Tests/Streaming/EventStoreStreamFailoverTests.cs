using System.Diagnostics;
using Orleans.TestingHost;
using Social.Infrastructure.Tests.OrleansProviders;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.Streaming;

/// <summary>A silo dies with events committed but not yet applied: its queues restart elsewhere and lose nothing.</summary>
public sealed class EventStoreStreamFailoverTests(StoresFixture stores)
{
    private const int BeforeKill = 40;
    private const int AfterKill = 30;

    [Fact]
    public async Task OwnerOfQueueKilled_EventsInFlightAndAppendedAfter_EveryEventRecordedExactlyOnce()
    {
        await using var database = await StreamDatabase.CreateAsync(stores.Postgres);
        // A slow consumer keeps events committed but not yet applied when the silo dies.
        await using var cluster = await StreamCluster.StartAsync(database, consumerDelay: TimeSpan.FromMilliseconds(25));
        var output = TestContext.Current.TestOutputHelper;

        // With membership in PostgreSQL the test cluster has no primary silo: every silo is alike. The victim is the
        // silo that reads the queue of `doomed`; `bystander`, when the other silo reads any queue, is one of its streams.
        var owners = cluster.RunningQueues();
        var victim = owners.Keys.First(s => owners[s].Count > 0);
        var doomed = StreamOwnedBy(cluster, victim, "doomed", same: true);
        var bystander = owners.Any(o => o.Key != victim && o.Value.Count > 0) ? StreamOwnedBy(cluster, victim, "bystander", same: false) : null;
        output?.WriteLine($"Killing silo {victim.SiloAddress}, which reads queues {string.Join(",", owners[victim].Select(q => q.Partition))}.");

        await Task.WhenAll(database.AppendAsync(doomed, BeforeKill), bystander is null ? Task.CompletedTask : database.AppendAsync(bystander, 10));
        await SqlDatabase.WaitUntilAsync(
            async () => (await database.ReceivedAsync()).Keys.Count(k => k.Stream == doomed) >= 8,
            TimeSpan.FromSeconds(20),
            "the consumer applied some of the doomed stream's events");

        await cluster.Cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);
        var killedAt = Stopwatch.StartNew();
        var appliedAtKill = (await database.ReceivedAsync()).Keys.Count(k => k.Stream == doomed);
        await Task.WhenAll(
            database.AppendAsync(doomed, AfterKill, from: BeforeKill + 1),
            bystander is null ? Task.CompletedTask : database.AppendAsync(bystander, 10, from: 11));

        await database.WaitUntilAllReceivedAsync(atLeast: BeforeKill + AfterKill, TimeSpan.FromSeconds(60), cluster);
        output?.WriteLine($"{appliedAtKill} of {BeforeKill} applied at the kill; all {BeforeKill + AfterKill} applied {killedAt.Elapsed.TotalSeconds:0.0} s after it.");

        var received = await database.ReceivedAsync();
        Assert.Equal(Enumerable.Range(1, BeforeKill + AfterKill).Select(v => (long)v), received.Keys.Where(k => k.Stream == doomed).Select(k => k.Version).Order());
        if (bystander is not null)
        {
            Assert.Equal(Enumerable.Range(1, 20).Select(v => (long)v), received.Keys.Where(k => k.Stream == bystander).Select(k => k.Version).Order());
        }

        StreamDatabase.AssertStreamOrder(received);
        output?.WriteLine($"Delivered more than once (allowed: at least once): {received.Values.Count(r => r.Deliveries > 1)} events.");
        // The doomed stream's queue now runs on the silo that is left.
        Assert.Equal(cluster.Cluster.Silos.Single(), cluster.OwnerOf(doomed));
    }

    /// <summary>A new probe stream whose queue <paramref name="silo"/> reads (or, if not <paramref name="same"/>, does not).</summary>
    private static string StreamOwnedBy(StreamCluster cluster, SiloHandle silo, string name, bool same)
    {
        while (true)
        {
            var id = StreamDatabase.NewStreamId(name);
            if ((cluster.OwnerOf(id) == silo) == same)
            {
                return id;
            }
        }
    }
}
