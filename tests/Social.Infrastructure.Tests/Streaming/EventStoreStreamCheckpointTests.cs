using Npgsql;
using Social.Abstractions.EventStore;
using Social.Infrastructure.Tests.OrleansProviders;
using Social.Streaming;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.Streaming;

/// <summary>The queues' checkpoints carry delivery across a full stop of the cluster.</summary>
public sealed class EventStoreStreamCheckpointTests(StoresFixture stores)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ClusterStoppedAndNewOneStarted_ResumesFromCheckpointWithoutRedeliveringOrSkipping()
    {
        await using var database = await StreamDatabase.CreateAsync(stores.Postgres);
        var streams = Enumerable.Range(0, 4).Select(i => StreamDatabase.NewStreamId($"restart{i}")).ToList();

        // The first cluster writes checkpoints only when a queue starts and when it stops (the interval is longer
        // than the test), so what the second cluster finds is what the stopping silo wrote on its way out.
        await using (var first = await StreamCluster.StartAsync(database, silos: 1, checkpointInterval: TimeSpan.FromHours(1)))
        {
            await Task.WhenAll(streams.Select(s => database.AppendAsync(s, 10)));
            await database.WaitUntilAllReceivedAsync(atLeast: 40, s_timeout, first);
            var last = await LastPositionsByPartitionAsync(database);
            await SqlDatabase.WaitUntilAsync(
                () => Task.FromResult(first.RunningQueues().Values.SelectMany(q => q)
                    .All(q => q.Outstanding == 0 && (!last.TryGetValue(q.Partition, out var p) || q.Acknowledged.CompareTo(p) >= 0))),
                s_timeout,
                "every delivery is acknowledged");
            var written = await CheckpointsAsync(database);
            Assert.All(last, l => Assert.True(written[l.Key].CompareTo(l.Value) < 0, "only the start-up checkpoints are written yet"));
        }

        var checkpoints = await CheckpointsAsync(database);
        foreach (var (partition, position) in await LastPositionsByPartitionAsync(database))
        {
            Assert.True(checkpoints[partition].CompareTo(position) >= 0, $"queue {partition}: checkpoint {checkpoints[partition]} before {position}");
        }

        await using (var second = await StreamCluster.StartAsync(database, silos: 1))
        {
            await Task.WhenAll(streams.Select(s => database.AppendAsync(s, 10, from: 11)));
            await database.WaitUntilAllReceivedAsync(atLeast: 80, s_timeout, second);
        }

        var received = await database.ReceivedAsync();
        Assert.Equal(80, received.Count);
        StreamDatabase.AssertStreamOrder(received);
        // Nothing before the checkpoint came again, and nothing after it was missed.
        Assert.All(received, r => Assert.Equal(1, r.Value.Deliveries));
    }

    [Fact]
    public async Task QueueCountChanged_NewQueuesStartFromLowestOldCheckpoint()
    {
        await using var database = await StreamDatabase.CreateAsync(stores.Postgres);
        var checkpoints = new StreamCheckpoints(database.DataSource, StreamCluster.ProviderName, queueCount: 4);
        for (var queue = 0; queue < 4; queue++)
        {
            await checkpoints.SaveAsync(queue, new GlobalPosition(1000 + (ulong)queue, 5), TestContext.Current.CancellationToken);
        }

        var regrouped = new StreamCheckpoints(database.DataSource, StreamCluster.ProviderName, queueCount: 8);
        Assert.Equal(new GlobalPosition(1000, 5), await regrouped.LoadAsync(6, TestContext.Current.CancellationToken));
        // Its own row now exists, so it keeps its own from here on.
        await regrouped.SaveAsync(6, new GlobalPosition(2000, 1), TestContext.Current.CancellationToken);
        Assert.Equal(new GlobalPosition(2000, 1), await regrouped.LoadAsync(6, TestContext.Current.CancellationToken));
        // A queue of a partitioning that never wrote all its rows starts from the beginning, not from the others' rows.
        var partial = new StreamCheckpoints(database.DataSource, "other-provider", queueCount: 2);
        await partial.SaveAsync(0, new GlobalPosition(3000, 1), TestContext.Current.CancellationToken);
        Assert.Equal(GlobalPosition.Start, await partial.LoadAsync(1, TestContext.Current.CancellationToken));
    }

    private static async Task<Dictionary<int, GlobalPosition>> LastPositionsByPartitionAsync(StreamDatabase database)
    {
        var all = new List<RecordedEvent>();
        var after = GlobalPosition.Start;
        while (true)
        {
            var page = await database.Store.ReadAllAsync(after, 500, TestContext.Current.CancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            all.AddRange(page);
            after = page[^1].Position;
        }

        return all.GroupBy(e => PartitionReader.PartitionOf(e.StreamId, StreamCluster.QueueCount))
            .ToDictionary(g => g.Key, g => g.Max(e => e.Position));
    }

    private static async Task<Dictionary<int, GlobalPosition>> CheckpointsAsync(StreamDatabase database)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT queue_id, transaction_id, sequence FROM stream_checkpoints WHERE provider_name = $1 AND queue_count = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = StreamCluster.ProviderName });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = StreamCluster.QueueCount });
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var checkpoints = new Dictionary<int, GlobalPosition>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            checkpoints[reader.GetInt32(0)] = new GlobalPosition(reader.GetFieldValue<ulong>(1), reader.GetInt64(2));
        }

        return checkpoints;
    }
}
