using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using Social.Abstractions.EventStore;
using Social.Infrastructure.EventStore;
using Social.Infrastructure.Tests.Migrations;
using Social.Streaming;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.Streaming;

/// <summary>The event store's side of the stream transport: partition reads and commit notifications.</summary>
public sealed class EventStorePartitionTests(StoresFixture stores) : IAsyncLifetime
{
    private const int Partitions = 8;
    private MigratedDatabase? _database;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MigratedDatabase Database => _database ?? throw new InvalidOperationException("not initialized");

    private PostgresEventStore Store => new(Database.DataSource);

    private PartitionReader Reader => new(Database.DataSource);

    public async ValueTask InitializeAsync() => _database = await MigratedDatabase.CreateAsync(stores.Postgres, "partitions");

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task PartitionOf_AnyStreamId_AgreesWithTheSqlExpression()
    {
        string[] ids = [.. Enumerable.Range(0, 300).Select(i => $"post-{Guid.NewGuid():N}-{i}"), "user-alice", "post-é", "user-日本語", "s", ""];
        await using var command = Database.DataSource.CreateCommand(
            "SELECT s, ('x' || left(md5(convert_to(s, 'UTF8')), 8))::bit(32)::bigint % $2 FROM unnest($1::text[]) AS s");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = 1000 });
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var checkedIds = 0;
        while (await reader.ReadAsync(Ct))
        {
            Assert.Equal(reader.GetInt64(1), PartitionReader.PartitionOf(reader.GetString(0), 1000));
            checkedIds++;
        }

        Assert.Equal(ids.Length, checkedIds);
    }

    [Fact]
    public async Task ReadPartitionAsync_AllPartitionsRead_EachEventOnceInThePartitionOfItsStream()
    {
        var streams = Enumerable.Range(0, 120).Select(i => $"post-{i}-{Guid.NewGuid():N}").Append("user-日本語").ToList();
        await Parallel.ForEachAsync(streams, Ct, async (stream, ct) =>
            await Store.AppendAsync(stream, 0, [StreamDatabase.NewEvent(), StreamDatabase.NewEvent()], cancellationToken: ct));

        var seen = new List<RecordedEvent>();
        for (var partition = 0; partition < Partitions; partition++)
        {
            var read = await ReadWholePartitionAsync(partition, pageSize: 7);
            Assert.NotEmpty(read);
            Assert.All(read, e => Assert.Equal(partition, PartitionReader.PartitionOf(e.StreamId, Partitions)));
            // In global order, so in version order within each stream.
            Assert.Equal(read.Select(e => e.Position).Order(), read.Select(e => e.Position));
            seen.AddRange(read);
        }

        Assert.Equal(streams.Count * 2, seen.Count);
        Assert.Equal(
            streams.SelectMany(s => new[] { (s, 1L), (s, 2L) }).Order(),
            seen.Select(e => (e.StreamId, e.Version)).Order());
    }

    [Fact]
    public async Task ReadPartitionAsync_EarlierTransactionOfPartitionStillOpen_HidesLaterCommitAndSaysHeldBack()
    {
        var first = StreamIn(partition: 3);
        var second = StreamIn(partition: 3);
        var inserted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new PostgresEventStore(Database.DataSource, async transaction =>
        {
            inserted.SetResult();
            await release.Task;
            await transaction.CommitAsync(CancellationToken.None);
        });

        var appendingFirst = held.AppendAsync(first, 0, [StreamDatabase.NewEvent()], cancellationToken: Ct);
        PartitionPage whileHeld;
        try
        {
            await inserted.Task.WaitAsync(Ct);
            await Store.AppendAsync(second, 0, [StreamDatabase.NewEvent()], cancellationToken: Ct);
            whileHeld = await Reader.ReadPartitionAsync(3, Partitions, GlobalPosition.Start, 100, Ct);
        }
        finally
        {
            // Never leave the transaction open: it would hold back every reader on the server.
            release.TrySetResult();
            await appendingFirst;
        }

        Assert.Empty(whileHeld.Events);
        Assert.True(whileHeld.HeldBack);
        var after = await ReadEventuallyAsync(3, whileHeld.Next, page => page.Events.Count >= 2);
        Assert.Equal([first, second], after.Events.Select(e => e.StreamId));
    }

    [Fact]
    public async Task ReadPartitionAsync_NoEventOfThePartition_NextMovesPastOtherPartitionsEvents()
    {
        var elsewhere = StreamIn(partition: 5);
        await Store.AppendAsync(elsewhere, 0, [StreamDatabase.NewEvent()], cancellationToken: Ct);
        var stored = Assert.Single(await Store.ReadStreamAsync(elsewhere, cancellationToken: Ct));

        var page = await ReadEventuallyAsync(2, GlobalPosition.Start, page => page.Next.CompareTo(stored.Position) > 0);

        Assert.Empty(page.Events);
        Assert.Empty((await Reader.ReadPartitionAsync(5, Partitions, page.Next, 100, Ct)).Events);
        Assert.Single((await Reader.ReadPartitionAsync(5, Partitions, GlobalPosition.Start, 100, Ct)).Events);
    }

    [Fact]
    public async Task ReadPartitionSql_LargeLog_ReadsThroughTheGlobalPositionIndex()
    {
        await using (var fill = Database.DataSource.CreateCommand("""
            INSERT INTO events (stream_id, version, event_id, event_type, data)
            SELECT 'post-' || (g % 2000), g / 2000 + 1, gen_random_uuid(), 'V1.Probe', '{}'
            FROM generate_series(0, 59999) AS g;
            ANALYZE events;
            """))
        {
            await fill.ExecuteNonQueryAsync(Ct);
        }

        await using var explain = Database.DataSource.CreateCommand("EXPLAIN " + PartitionReader.ReadPartitionSql);
        explain.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = 0, NpgsqlDbType = NpgsqlDbType.Xid8 });
        explain.Parameters.Add(new NpgsqlParameter<long> { TypedValue = 0 });
        explain.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 256 });
        explain.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Partitions });
        explain.Parameters.Add(new NpgsqlParameter<long> { TypedValue = 1 });
        explain.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 256 * Partitions });
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join('\n', plan);
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        // The window and the held-back check walk the global order's index, the page is fetched by primary key, and
        // nothing scans the table or sorts it.
        Assert.Equal(2, plan.Count(line => line.Contains("Index Scan using events_global_position_idx", StringComparison.Ordinal)));
        Assert.Contains("events_pkey", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on events", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bitmap", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendAsync_Committed_AnnouncesTheStreamOnTheCommittedChannel()
    {
        var notifications = new ConcurrentQueue<(string Channel, string Payload)>();
        await using var listener = new NpgsqlConnection(Database.ConnectionString);
        await listener.OpenAsync(Ct);
        listener.Notification += (_, e) => notifications.Enqueue((e.Channel, e.Payload));
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresEventStore.CommittedChannel}", listener))
        {
            await listen.ExecuteNonQueryAsync(Ct);
        }

        var stream = StreamIn(partition: 1);
        await Store.AppendAsync(stream, 0, [StreamDatabase.NewEvent(), StreamDatabase.NewEvent()], cancellationToken: Ct);
        // A turned-down append (wrong version) commits nothing and announces nothing.
        await Assert.ThrowsAsync<WrongExpectedVersionException>(() => Store.AppendAsync(stream, 0, [StreamDatabase.NewEvent()], cancellationToken: Ct));
        await Store.AppendAsync(stream, 2, [StreamDatabase.NewEvent()], cancellationToken: Ct);

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        wait.CancelAfter(TimeSpan.FromSeconds(10));
        while (notifications.Count < 2)
        {
            await listener.WaitAsync(wait.Token);
        }

        await Task.Delay(100, Ct);
        await listener.WaitAsync(TimeSpan.FromMilliseconds(100), Ct);
        Assert.Equal([(PostgresEventStore.CommittedChannel, stream), (PostgresEventStore.CommittedChannel, stream)], notifications);
    }

    private static string StreamIn(int partition)
    {
        while (true)
        {
            var id = $"post-{Guid.NewGuid():N}";
            if (PartitionReader.PartitionOf(id, Partitions) == partition)
            {
                return id;
            }
        }
    }

    /// <summary>
    /// Reads until <paramref name="done"/> holds: the commit-safe cut is cluster-wide, so a write transaction of another
    /// test, in another database of the same server, can hold it back for a moment.
    /// </summary>
    private async Task<PartitionPage> ReadEventuallyAsync(int partition, GlobalPosition after, Func<PartitionPage, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var page = await Reader.ReadPartitionAsync(partition, Partitions, after, 100, Ct);
            if (done(page) || DateTime.UtcNow > deadline)
            {
                return page;
            }

            await Task.Delay(10, Ct);
        }
    }

    private async Task<List<RecordedEvent>> ReadWholePartitionAsync(int partition, int pageSize)
    {
        var events = new List<RecordedEvent>();
        var after = GlobalPosition.Start;
        while (true)
        {
            var page = await Reader.ReadPartitionAsync(partition, Partitions, after, pageSize, Ct);
            Assert.True(page.Events.Count <= pageSize);
            events.AddRange(page.Events);
            if (!page.More)
            {
                return events;
            }

            after = page.Next;
        }
    }
}
