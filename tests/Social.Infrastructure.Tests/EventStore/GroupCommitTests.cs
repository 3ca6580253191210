using System.Collections.Concurrent;
using Npgsql;
using Social.Abstractions.Commands;
using Social.Abstractions.EventStore;
using Social.Infrastructure.EventStore;
using Social.Infrastructure.Tests.Migrations;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.EventStore;

/// <summary>
/// The group commit: appends of concurrent callers share transactions, and each caller still gets its own outcome.
/// Batches are made deterministic by holding the store's first transaction open: everything appended meanwhile
/// waits, and is written together as the next batch.
/// </summary>
public sealed class GroupCommitTests(StoresFixture stores) : IAsyncLifetime
{
    private MigratedDatabase? _database;

    private MigratedDatabase Database => _database ?? throw new InvalidOperationException("not initialized");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _database = await MigratedDatabase.CreateAsync(stores.Postgres, "group_commit");

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrentWritersOverManyStreams_EveryEventOnceInStreamOrderInSharedTransactions()
    {
        await using var store = new PostgresEventStore(Database.DataSource);
        var acknowledged = new ConcurrentDictionary<Guid, (string Stream, long Version)>();

        // 40 writers, each with 5 streams of its own, 25 appends of one or two events each, all at once.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(writer => Task.Run(async () =>
        {
            var versions = new long[5];
            for (var i = 0; i < 25; i++)
            {
                var stream = $"writer-{writer}-{i % 5}";
                List<EventData> events = [NewEvent(), .. i % 3 == 0 ? [NewEvent()] : Array.Empty<EventData>()];
                var version = await store.AppendAsync(stream, versions[i % 5], events, cancellationToken: Ct);
                Assert.Equal(versions[i % 5] + events.Count, version);
                for (var e = 0; e < events.Count; e++)
                {
                    Assert.True(acknowledged.TryAdd(events[e].EventId, (stream, versions[i % 5] + e + 1)));
                }

                versions[i % 5] = version;
            }
        }, Ct)));

        var rows = await RowsAsync();
        Assert.Equal(acknowledged.Count, rows.Count);
        Assert.All(rows, row => Assert.Equal(acknowledged[row.EventId], (row.Stream, row.Version)));
        foreach (var stream in rows.GroupBy(r => r.Stream))
        {
            var inCommitOrder = stream.OrderBy(r => r.TransactionId).ThenBy(r => r.Sequence).Select(r => r.Version).ToList();
            Assert.Equal(Enumerable.Range(1, inCommitOrder.Count).Select(v => (long)v), inCommitOrder);
        }

        // 1 000 appends from 40 concurrent writers: far fewer transactions than appends.
        var transactions = rows.Select(r => r.TransactionId).Distinct().Count();
        Assert.True(transactions < 1000 / 2, $"{transactions} transactions for 1 000 appends");
    }

    [Fact]
    public async Task AppendAsync_ConflictInOneStreamOfABatch_FailsOnlyThatCaller()
    {
        await using (var other = new PostgresEventStore(Database.DataSource))
        {
            await other.AppendAsync("taken", 0, [NewEvent()], cancellationToken: Ct);
        }

        var gate = new FirstCommitGate();
        await using var store = new PostgresEventStore(Database.DataSource, gate.CommitAsync);
        var held = store.AppendAsync("warm-up", 0, [NewEvent()], cancellationToken: Ct);
        await gate.Entered.WaitAsync(Ct);

        var fresh = new[] { "a", "b", "c" }.Select(s => store.AppendAsync(s, 0, [NewEvent()], cancellationToken: Ct)).ToList();
        var conflicting = store.AppendAsync("taken", 0, [NewEvent()], cancellationToken: Ct);
        gate.Release();

        await held;
        Assert.Equal(new[] { 1L, 1L, 1L }, await Task.WhenAll(fresh));
        var conflict = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => conflicting);
        Assert.Equal(1, conflict.ActualVersion);
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM events WHERE stream_id = 'taken'"));
        Assert.Equal(1L, await Database.ScalarAsync<long>(
            "SELECT count(DISTINCT transaction_id) FROM events WHERE stream_id IN ('a', 'b', 'c')"));
    }

    [Fact]
    public async Task AppendAsync_BatchWhoseTransactionFails_FailsEveryCallerAndWritesNothing()
    {
        var gate = new FirstCommitGate(then: async transaction =>
        {
            // The second transaction's connection dies just before its COMMIT.
            await using var admin = new NpgsqlConnection(stores.Postgres.AdminConnectionString);
            await admin.OpenAsync(CancellationToken.None);
            await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend($1, 5000)", admin);
            terminate.Parameters.Add(new NpgsqlParameter<int> { TypedValue = transaction.Connection!.ProcessID });
            await terminate.ExecuteScalarAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        });
        await using var store = new PostgresEventStore(Database.DataSource, gate.CommitAsync);
        var held = store.AppendAsync("warm-up", 0, [NewEvent()], cancellationToken: Ct);
        await gate.Entered.WaitAsync(Ct);

        var batch = Enumerable.Range(0, 5).Select(i => (Stream: $"doomed-{i}", Events: new List<EventData> { NewEvent() })).ToList();
        var appends = batch.Select(b => store.AppendAsync(b.Stream, 0, b.Events, cancellationToken: Ct)).ToList();
        gate.Release();

        await held;
        foreach (var append in appends)
        {
            Assert.Equal("PostgreSQL", (await Assert.ThrowsAsync<StoreUnavailableException>(() => append)).Store);
        }

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM events WHERE stream_id LIKE 'doomed-%'"));
        // Nothing was written, so the callers' retries land.
        await using var healthy = new PostgresEventStore(Database.DataSource);
        Assert.Equal(Enumerable.Repeat(1L, 5), await Task.WhenAll(batch.Select(b => healthy.AppendAsync(b.Stream, 0, b.Events, cancellationToken: Ct))));
    }

    [Fact]
    public async Task AppendAsync_RaceLostHalfWayToAnotherInstance_OnlyThatCallerFailsAndNoGapIsLeft()
    {
        // Instance B holds version 1 of "contested", inserted but not committed.
        var otherInstance = new FirstCommitGate();
        await using var b = new PostgresEventStore(Database.DataSource, otherInstance.CommitAsync);
        var byB = NewEvent();
        var appendedByB = b.AppendAsync("contested", 0, [byB], cancellationToken: Ct);
        await otherInstance.Entered.WaitAsync(Ct);

        // Instance A batches two events for "contested" (versions 1 and 2) with an append to another stream. Its version
        // check passes (B has not committed), and its insert of version 1 waits for B.
        var gate = new FirstCommitGate();
        await using var a = new PostgresEventStore(Database.DataSource, gate.CommitAsync);
        var held = a.AppendAsync("warm-up", 0, [NewEvent()], cancellationToken: Ct);
        await gate.Entered.WaitAsync(Ct);
        var twoEvents = a.AppendAsync("contested", 0, [NewEvent(), NewEvent()], cancellationToken: Ct);
        var bystander = NewEvent();
        var other = a.AppendAsync("bystander", 0, [bystander], cancellationToken: Ct);
        gate.Release();
        await held;
        await WaitUntilABackendWaitsForALockAsync();

        // B commits: A's version 1 is taken, its version 2 is not. Writing only version 2 would leave A's append half
        // done; instead A's transaction is redone without it.
        otherInstance.Release();
        Assert.Equal(1, await appendedByB);
        Assert.Equal(1, (await Assert.ThrowsAsync<WrongExpectedVersionException>(() => twoEvents)).ActualVersion);
        Assert.Equal(1, await other);
        Assert.Equal([byB.EventId], await Database.ColumnAsync<Guid>("SELECT event_id FROM events WHERE stream_id = 'contested' ORDER BY version"));
        Assert.Equal([bystander.EventId], await Database.ColumnAsync<Guid>("SELECT event_id FROM events WHERE stream_id = 'bystander'"));
    }

    [Fact]
    public async Task AppendAsync_MoreWaitingThanTheQueueHolds_RefusedAtOnceAndTheRestWritten()
    {
        var gate = new FirstCommitGate();
        await using var store = new PostgresEventStore(Database.DataSource, gate.CommitAsync, new EventStoreOptions { MaxWaitingAppends = 3 });
        var held = store.AppendAsync("warm-up", 0, [NewEvent()], cancellationToken: Ct);
        await gate.Entered.WaitAsync(Ct);
        var waiting = Enumerable.Range(0, 3).Select(i => store.AppendAsync($"waiting-{i}", 0, [NewEvent()], cancellationToken: Ct)).ToList();

        var refused = await Assert.ThrowsAsync<OverloadedException>(() => store.AppendAsync("one-too-many", 0, [NewEvent()], cancellationToken: Ct));

        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        gate.Release();
        await held;
        Assert.Equal(new[] { 1L, 1L, 1L }, await Task.WhenAll(waiting));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM events WHERE stream_id = 'one-too-many'"));
    }

    private async Task WaitUntilABackendWaitsForALockAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await Database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the second append never waited for the first one's row");
            await Task.Delay(20, Ct);
        }
    }

    private async Task<List<(string Stream, long Version, Guid EventId, ulong TransactionId, long Sequence)>> RowsAsync()
    {
        await using var command = Database.DataSource.CreateCommand("SELECT stream_id, version, event_id, transaction_id, sequence FROM events");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<(string, long, Guid, ulong, long)>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetGuid(2), reader.GetFieldValue<ulong>(3), reader.GetInt64(4)));
        }

        return rows;
    }

    private static EventData NewEvent()
    {
        var id = Guid.NewGuid();
        return new EventData(id, "V1.TestHappened", $$"""{"n":"{{id}}"}""", EventMetadata.Empty);
    }

    /// <summary>Holds a store's first transaction open until released; later ones commit as <paramref name="then"/> says.</summary>
    private sealed class FirstCommitGate(Func<NpgsqlTransaction, Task>? then = null)
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _commits;

        public Task Entered => _entered.Task;

        public void Release() => _released.SetResult();

        public async Task CommitAsync(NpgsqlTransaction transaction)
        {
            if (Interlocked.Increment(ref _commits) == 1)
            {
                _entered.SetResult();
                await _released.Task;
                await transaction.CommitAsync(CancellationToken.None);
                return;
            }

            await (then ?? (t => t.CommitAsync(CancellationToken.None)))(transaction);
        }
    }
}
