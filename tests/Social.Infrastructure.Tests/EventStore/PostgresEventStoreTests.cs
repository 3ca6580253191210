using System.Text.Json.Nodes;
using Npgsql;
using Social.Abstractions.EventStore;
using Social.Infrastructure.EventStore;
using Social.Infrastructure.Migrations;
using Social.Infrastructure.Tests.Migrations;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.EventStore;

public sealed class PostgresEventStoreTests(StoresFixture stores) : EventStoreConformanceTests
{
    private MigratedDatabase? _database;

    private MigratedDatabase Database => _database ?? throw new InvalidOperationException("not initialized");

    protected override async Task<IEventStore> CreateStoreAsync()
    {
        _database = await MigratedDatabase.CreateAsync(stores.Postgres, "events");
        return new PostgresEventStore(_database.DataSource);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task AppendAsync_Metadata_IsStoredAsJsonWithCamelCaseFieldsAndNoNulls()
    {
        await Store.AppendAsync("post-1", 0, [NewEvent(metadata: new EventMetadata("c-1", UserId: "u-1"))], cancellationToken: Ct);

        var stored = JsonNode.Parse(await Database.ScalarAsync<string>("SELECT metadata::text FROM events"));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"correlationId":"c-1","userId":"u-1"}"""), stored));
    }

    [Fact]
    public async Task ReadAllAsync_WritersHoldingTransactionsOpen_PollerSeesExactlyTheTableInStreamOrder()
    {
        // A third of the appends keep their transaction open for a few milliseconds after inserting, so that
        // transactions commit in another order than they got their ids and sequence numbers.
        var commitOrder = new System.Collections.Concurrent.ConcurrentQueue<ulong>();
        IEventStore Writer(int writer)
        {
            var random = new Random(1000 + writer);
            return new PostgresEventStore(Database.DataSource, async transaction =>
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
        }

        var run = await RunWritersWithPollerAsync(Writer, writers: 8, appendsEach: 200, streams: 24);

        AssertPolledExactlyTheAcknowledged(run);
        var table = await Database.ColumnAsync<Guid>("SELECT event_id FROM events");
        Assert.Equal(table.Order(), run.Polled.Select(e => e.EventId).Order());
        // The run only tests something if commits overtook transactions that started before them.
        var committed = commitOrder.ToList();
        Assert.Contains(committed.Zip(committed.Skip(1)), pair => pair.First > pair.Second);
    }

    [Fact]
    public async Task ReadAllAsync_EarlierTransactionStillOpen_HidesLaterCommitUntilItCommits()
    {
        var inserted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new PostgresEventStore(Database.DataSource, async transaction =>
        {
            inserted.SetResult();
            await release.Task;
            await transaction.CommitAsync(CancellationToken.None);
        });
        var first = NewEvent();
        var second = NewEvent();

        var appendingFirst = held.AppendAsync("stream-a", 0, [first], cancellationToken: Ct);
        await inserted.Task.WaitAsync(Ct);
        await Store.AppendAsync("stream-b", 0, [second], cancellationToken: Ct);

        // The later transaction is committed and readable by stream, but a poller must not get past the open one.
        Assert.Single(await Store.ReadStreamAsync("stream-b", cancellationToken: Ct));
        for (var i = 0; i < 10; i++)
        {
            Assert.Empty(await Store.ReadAllAsync(GlobalPosition.Start, 100, Ct));
            await Task.Delay(20, Ct);
        }

        release.SetResult();
        await appendingFirst;

        var all = await ReadAllEventuallyAsync(GlobalPosition.Start, 100, atLeast: 2);
        Assert.Equal([first.EventId, second.EventId], all.Select(e => e.EventId));
    }

    [Fact]
    public async Task AppendAsync_CommitSucceedsButReplyIsLost_ReturnsNewVersionAndStoresBatchOnce()
    {
        var lostReply = new PostgresEventStore(Database.DataSource, async transaction =>
        {
            await transaction.CommitAsync(CancellationToken.None);
            throw new NpgsqlException("Exception while reading from stream", new IOException("connection reset"));
        });
        List<EventData> batch = [NewEvent(), NewEvent()];

        var version = await lostReply.AppendAsync("post-9", 0, batch, cancellationToken: Ct);

        Assert.Equal(2, version);
        Assert.Equal(batch.Select(e => e.EventId), (await Store.ReadStreamAsync("post-9", cancellationToken: Ct)).Select(e => e.EventId));
        Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task AppendAsync_ConnectionTerminatedBeforeCommit_ThrowsStoreUnavailableAndWritesNothing()
    {
        var killed = new PostgresEventStore(Database.DataSource, async transaction =>
        {
            await using var admin = new NpgsqlConnection(stores.Postgres.AdminConnectionString);
            await admin.OpenAsync(CancellationToken.None);
            await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend($1, 5000)", admin);
            terminate.Parameters.Add(new NpgsqlParameter<int> { TypedValue = transaction.Connection!.ProcessID });
            await terminate.ExecuteScalarAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        });
        List<EventData> batch = [NewEvent(), NewEvent()];

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => killed.AppendAsync("post-10", 0, batch, cancellationToken: Ct));

        Assert.Equal("PostgreSQL", error.Store);
        Assert.Empty(await Store.ReadStreamAsync("post-10", cancellationToken: Ct));
        // The caller's retry of the same append then lands.
        Assert.Equal(2, await Store.AppendAsync("post-10", 0, batch, cancellationToken: Ct));
    }

    [Fact]
    public async Task Operations_NothingListeningOnPort_ThrowStoreUnavailable()
    {
        await using var closed = MigratedDatabase.ClosedPortDataSource();
        var store = new PostgresEventStore(closed);

        var append = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.AppendAsync("s", 0, [NewEvent()], cancellationToken: Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadStreamAsync("s", cancellationToken: Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadAllAsync(GlobalPosition.Start, 10, Ct));

        Assert.Equal("PostgreSQL", append.Store);
        Assert.IsAssignableFrom<NpgsqlException>(append.InnerException);
    }

    [Fact]
    public async Task Operations_ServerStoppedThenStarted_ThrowStoreUnavailableThenSucceed()
    {
        await using var server = await PostgresServer.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("outage");
        await SchemaMigrations.ApplyAsync(connectionString, Ct);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresEventStore(dataSource);
        await store.AppendAsync("s", 0, [NewEvent()], cancellationToken: Ct);

        await server.StopAsync();
        // The pooled connection broke under the first call; the later ones cannot connect at all.
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.AppendAsync("s", 1, [NewEvent()], cancellationToken: Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.AppendAsync("s", 1, [NewEvent()], cancellationToken: Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadStreamAsync("s", cancellationToken: Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ReadAllAsync(GlobalPosition.Start, 10, Ct));

        await server.StartAgainAsync();
        var retried = NewEvent();
        long version = 0;
        for (var attempt = 1; version == 0; attempt++)
        {
            try
            {
                version = await store.AppendAsync("s", 1, [retried], cancellationToken: Ct);
            }
            catch (StoreUnavailableException) when (attempt < 3)
            {
                // A connection that idled in the pool through the restart is found broken and dropped.
            }
        }

        Assert.Equal(2, version);
        Assert.Equal([1L, 2L], (await store.ReadStreamAsync("s", cancellationToken: Ct)).Select(e => e.Version));
    }
}
