using System.Collections.Concurrent;
using Npgsql;
using Social.Abstractions.EventStore;
using Social.Infrastructure.EventStore;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.Streaming;

/// <summary>Committed events reach their implicit subscribers over the event-store stream provider, on two silos.</summary>
public sealed class EventStoreStreamDeliveryTests(StoresFixture stores)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_SinglesAndBatches_EveryEventReachesItsConsumerOnceInVersionOrder()
    {
        await using var database = await StreamDatabase.CreateAsync(stores.Postgres);
        await using var cluster = await StreamCluster.StartAsync(database);
        var streams = Enumerable.Range(0, 6).Select(i => StreamDatabase.NewStreamId($"basic{i}")).ToList();

        // Odd streams append three events at a time, so batches of several events travel together.
        await Task.WhenAll(streams.Select(async (stream, i) =>
        {
            var size = i % 2 == 0 ? 1 : 3;
            for (long version = 0; version < 15; version += size)
            {
                var batch = Enumerable.Range(0, size).Select(_ => StreamDatabase.NewEvent()).ToList();
                await database.Store.AppendAsync(stream, version, batch, cancellationToken: Ct);
            }
        }));
        await database.WaitUntilAllReceivedAsync(atLeast: 90, s_timeout, cluster);

        var received = await database.ReceivedAsync();
        Assert.Equal(
            streams.SelectMany(s => Enumerable.Range(1, 15).Select(v => (s, (long)v))).Order(),
            received.Keys.Order());
        StreamDatabase.AssertStreamOrder(received);
        // Nothing moved between silos and nothing failed, so nothing came twice.
        Assert.All(received.Values, r => Assert.Equal(1, r.Deliveries));
    }

    [Fact]
    public async Task ConcurrentWritersHoldingTransactionsOpen_DeliveredSetEqualsTheTableInStreamOrder()
    {
        await using var database = await StreamDatabase.CreateAsync(stores.Postgres);
        await using var cluster = await StreamCluster.StartAsync(database);
        var streams = Enumerable.Range(0, 24).Select(i => StreamDatabase.NewStreamId($"hwm{i}")).ToList();
        var knownVersions = new ConcurrentDictionary<string, long>();
        var commitOrder = new ConcurrentQueue<ulong>();

        // A third of the appends keep their transaction open for a few milliseconds after inserting, so transactions
        // commit in another order than their ids and sequence numbers: a reader that went by sequence would skip some.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var random = new Random(2000 + writer);
            var store = new PostgresEventStore(database.DataSource, async transaction =>
            {
                await using var current = new NpgsqlCommand("SELECT pg_current_xact_id()", transaction.Connection, transaction);
                var transactionId = (ulong)(await current.ExecuteScalarAsync(CancellationToken.None))!;
                if (random.Next(3) == 0)
                {
                    await Task.Delay(random.Next(1, 6), CancellationToken.None);
                }

                await transaction.CommitAsync(CancellationToken.None);
                commitOrder.Enqueue(transactionId);
            });
            for (var i = 0; i < 40; i++)
            {
                var stream = streams[random.Next(streams.Count)];
                var batch = Enumerable.Range(0, random.Next(1, 4)).Select(_ => StreamDatabase.NewEvent()).ToList();
                while (true)
                {
                    var expected = knownVersions.GetValueOrDefault(stream);
                    try
                    {
                        var version = await store.AppendAsync(stream, expected, batch, cancellationToken: Ct);
                        knownVersions.AddOrUpdate(stream, version, (_, v) => Math.Max(v, version));
                        break;
                    }
                    catch (WrongExpectedVersionException conflict)
                    {
                        knownVersions.AddOrUpdate(stream, conflict.ActualVersion, (_, v) => Math.Max(v, conflict.ActualVersion));
                    }
                }
            }
        }, Ct)));

        var stored = await database.StoredAsync();
        await database.WaitUntilAllReceivedAsync(atLeast: stored.Count, s_timeout, cluster);

        var received = await database.ReceivedAsync();
        Assert.Equal(stored.Order(), received.Keys.Order());
        StreamDatabase.AssertStreamOrder(received);
        var committed = commitOrder.ToList();
        Assert.Contains(committed.Zip(committed.Skip(1)), pair => pair.First > pair.Second);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{stored.Count} events in {streams.Count} streams; {received.Values.Count(r => r.Deliveries > 1)} delivered more than once.");
    }
}
