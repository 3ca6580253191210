using Social.Abstractions.EventStore;
using Social.Infrastructure.Tests.OrleansProviders;
using Social.Streaming;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.Streaming;

/// <summary>Consumers that fail, and a PostgreSQL that goes away: events wait, and none is skipped.</summary>
public sealed class EventStoreStreamFailureTests(StoresFixture stores)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConsumerFailsThreeTimes_EventRetriedUntilItSucceedsAndLaterOnesWait()
    {
        await using var database = await StreamDatabase.CreateAsync(stores.Postgres);
        await using var cluster = await StreamCluster.StartAsync(database, silos: 1);
        var stream = StreamDatabase.NewStreamId("flaky");
        ProbeFaults.Fail(stream, 3, times: 3);

        await database.AppendAsync(stream, 6);
        await database.WaitUntilAllReceivedAsync(atLeast: 6, s_timeout, cluster);

        var received = await database.ReceivedAsync();
        Assert.Equal(4, ProbeFaults.Attempts(stream, 3));
        Assert.Equal(1, received[(stream, 3)].Deliveries);
        // Retried in place: nothing after it was applied before it.
        StreamDatabase.AssertStreamOrder(received);
        ProbeFaults.Heal(stream, 3);
    }

    [Fact]
    public async Task ConsumerNeverRecoversWithinMaxDeliveryTime_CheckpointStaysBeforeTheEventAndRestartDeliversIt()
    {
        await using var database = await StreamDatabase.CreateAsync(stores.Postgres);
        var stream = StreamDatabase.NewStreamId("poison");
        ProbeFaults.Fail(stream, 3, times: int.MaxValue);
        GlobalPosition poison;

        await using (var cluster = await StreamCluster.StartAsync(database, silos: 1, maxDeliveryTime: TimeSpan.FromMilliseconds(500)))
        {
            await database.AppendAsync(stream, 5);
            poison = (await database.Store.ReadStreamAsync(stream, 2, Ct))[0].Position;
            // The agent gives up on version 3 after half a second and moves on: a later append to another stream of
            // the same queue gets through, and its delivery shows the queue that version 3 was dropped undelivered.
            var later = StreamDatabase.NewStreamId("later");
            while (PartitionReader.PartitionOf(later, StreamCluster.QueueCount) != PartitionReader.PartitionOf(stream, StreamCluster.QueueCount))
            {
                later = StreamDatabase.NewStreamId("later");
            }

            await database.AppendAsync(later, 1);
            await SqlDatabase.WaitUntilAsync(
                async () => (await database.ReceivedAsync()).ContainsKey((later, 1)) && ProbeFaults.Attempts(stream, 3) > 1,
                s_timeout,
                "the agent moved past the failing event");
            Assert.DoesNotContain((stream, 3L), (await database.ReceivedAsync()).Keys);
            var partition = PartitionReader.PartitionOf(stream, StreamCluster.QueueCount);
            await SqlDatabase.WaitUntilAsync(
                () => Task.FromResult(cluster.RunningQueues().Values.Single().Single(q => q.Partition == partition).Stalled),
                s_timeout,
                "the queue knows the event failed");
        }

        // Stopping wrote the checkpoint, which stays before the event that was never delivered.
        Assert.True((await CheckpointAsync(database, stream)).CompareTo(poison) < 0);

        ProbeFaults.Heal(stream, 3);
        await using (await StreamCluster.StartAsync(database, silos: 1))
        {
            await SqlDatabase.WaitUntilAsync(
                async () =>
                {
                    var received = await database.ReceivedAsync();
                    return Enumerable.Range(1, 5).All(v => received.ContainsKey((stream, v)));
                },
                s_timeout,
                "the restarted queue delivered the event it had failed");
        }
    }

    [Fact]
    public async Task PostgresStoppedAndStarted_QueuesAndListenerRecoverAndNothingIsLost()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await StreamDatabase.CreateAsync(server);
        await using var cluster = await StreamCluster.StartAsync(database, silos: 1);
        var stream = StreamDatabase.NewStreamId("outage");
        await database.AppendAsync(stream, 5);
        await database.WaitUntilAllReceivedAsync(atLeast: 5, s_timeout);

        await server.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        await server.StartAgainAsync();
        database.DataSource.Clear();
        for (var version = 6; version <= 10; version++)
        {
            await AppendRetryingAsync(database, stream, version);
        }

        await database.WaitUntilAllReceivedAsync(atLeast: 10, s_timeout, cluster);
        StreamDatabase.AssertStreamOrder(await database.ReceivedAsync());
        await SqlDatabase.WaitUntilAsync(() => Task.FromResult(cluster.RunningQueues().Values.Single().Count == StreamCluster.QueueCount), s_timeout, "queues run");
    }

    private static async Task AppendRetryingAsync(StreamDatabase database, string stream, long version)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await database.Store.AppendAsync(stream, version - 1, [StreamDatabase.NewEvent((int)version)], cancellationToken: Ct);
                return;
            }
            catch (StoreUnavailableException) when (attempt < 5)
            {
                // Pooled connections broken by the restart are found and dropped.
                await Task.Delay(200, Ct);
            }
        }
    }

    private static async Task<GlobalPosition> CheckpointAsync(StreamDatabase database, string stream)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT transaction_id, sequence FROM stream_checkpoints WHERE provider_name = $1 AND queue_count = $2 AND queue_id = $3");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = StreamCluster.ProviderName });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = StreamCluster.QueueCount });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = PartitionReader.PartitionOf(stream, StreamCluster.QueueCount) });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return new GlobalPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1));
    }
}
