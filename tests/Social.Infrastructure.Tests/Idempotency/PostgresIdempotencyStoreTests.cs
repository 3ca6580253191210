using Npgsql;
using Social.Abstractions.EventStore;
using Social.Abstractions.Idempotency;
using Social.Infrastructure.EventStore;
using Social.Infrastructure.Idempotency;
using Social.Infrastructure.Tests.Migrations;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.Idempotency;

public sealed class PostgresIdempotencyStoreTests(StoresFixture stores) : IAsyncLifetime
{
    private MigratedDatabase? _database;
    private PostgresIdempotencyStore? _store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MigratedDatabase Database => _database ?? throw new InvalidOperationException("not initialized");

    private PostgresIdempotencyStore Store => _store ?? throw new InvalidOperationException("not initialized");

    public async ValueTask InitializeAsync()
    {
        _database = await MigratedDatabase.CreateAsync(stores.Postgres, "idempotency");
        _store = new PostgresIdempotencyStore(_database.DataSource);
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task ClaimAsync_AfterAnAppendMarkedTheKey_SaysWhereTheWriteCommitted()
    {
        await using var events = new PostgresEventStore(Database.DataSource);
        await Store.ClaimAsync("user-1", "key-1", "fingerprint", "post-1", Ct);
        await Store.ClaimAsync("user-1", "key-2", "fingerprint", "post-2", Ct);
        await events.AppendAsync("post-1", 0, [NewEvent(), NewEvent()], new IdempotencyMark("user-1", "key-1"), Ct);

        // An append turned down (the stream is elsewhere) marks nothing.
        await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => events.AppendAsync("post-1", 0, [NewEvent()], new IdempotencyMark("user-1", "key-2"), Ct));

        Assert.Equal(new CommittedWrite("post-1", 2), (await Store.ClaimAsync("user-1", "key-1", "fingerprint", "other", Ct)).Committed);
        Assert.Null((await Store.ClaimAsync("user-1", "key-2", "fingerprint", "other", Ct)).Committed);
    }

    [Fact]
    public async Task ExpireAsync_ForgetsOnlyKeysOlderThanTheLifetime_InBatchesOldestFirst()
    {
        foreach (var (key, age) in new[] { ("fresh", "1 minute"), ("day-old", "25 hours"), ("week-old", "7 days"), ("month-old", "30 days") })
        {
            await Store.ClaimAsync("user-1", key, "fingerprint", "post-" + key, Ct);
            await using var backdate = Database.DataSource.CreateCommand("UPDATE idempotency_keys SET created_at = now() - $2::interval WHERE key = $1");
            backdate.Parameters.Add(new NpgsqlParameter { Value = key });
            backdate.Parameters.Add(new NpgsqlParameter { Value = age });
            await backdate.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(2, await Store.ExpireAsync(TimeSpan.FromHours(24), max: 2, Ct));
        Assert.Equal(["day-old", "fresh"], await KeysAsync());
        Assert.Equal(1, await Store.ExpireAsync(TimeSpan.FromHours(24), max: 2, Ct));
        Assert.Equal(0, await Store.ExpireAsync(TimeSpan.FromHours(24), max: 2, Ct));
        Assert.Equal(["fresh"], await KeysAsync());

        // A claim after expiry is a first claim again, with its own values.
        Assert.True((await Store.ClaimAsync("user-1", "month-old", "other", "post-new", Ct)).IsFirst);
    }

    [Fact]
    public async Task ClaimAsync_FirstClaim_IsFirstWithItsOwnValuesAndNoResponse()
    {
        var claim = await Store.ClaimAsync("user-1", "key-1", "POST /api/posts sha256:abc", "post-123", Ct);

        Assert.Equal(new IdempotencyClaim(true, "POST /api/posts sha256:abc", "post-123", null), claim);
    }

    [Fact]
    public async Task ClaimAsync_LaterClaim_GetsWhatTheFirstClaimStored()
    {
        await Store.ClaimAsync("user-1", "key-1", "fingerprint-1", "post-1", Ct);

        var retry = await Store.ClaimAsync("user-1", "key-1", "fingerprint-2", "post-2", Ct);

        Assert.Equal(new IdempotencyClaim(false, "fingerprint-1", "post-1", null), retry);
    }

    [Fact]
    public async Task ClaimAsync_AfterCompletion_ReplaysStoredResponse()
    {
        await Store.ClaimAsync("user-1", "key-1", "fingerprint", "post-1", Ct);
        await Store.ClaimAsync("user-1", "key-2", "fingerprint", "post-2", Ct);
        var created = new StoredResponse(201, "application/json", """{"id":"post-1"}""", "/api/posts/post-1");
        var noContent = new StoredResponse(204, null, null, null);

        await Store.CompleteAsync("user-1", "key-1", created, Ct);
        await Store.CompleteAsync("user-1", "key-2", noContent, Ct);

        Assert.Equal(new IdempotencyClaim(false, "fingerprint", "post-1", created), await Store.ClaimAsync("user-1", "key-1", "fingerprint", "other", Ct));
        Assert.Equal(noContent, (await Store.ClaimAsync("user-1", "key-2", "fingerprint", "other", Ct)).Response);
    }

    [Fact]
    public async Task ClaimAsync_SameKeyFromAnotherCaller_IsAnIndependentClaim()
    {
        await Store.ClaimAsync("user-1", "key-1", "fingerprint-1", "post-1", Ct);

        var other = await Store.ClaimAsync("user-2", "key-1", "fingerprint-2", "post-2", Ct);

        Assert.True(other.IsFirst);
        Assert.Equal("post-2", other.ReservedId);
    }

    [Fact]
    public async Task ClaimAsync_FromAnotherStoreInstance_SeesTheClaim()
    {
        await Store.ClaimAsync("user-1", "key-1", "fingerprint-1", "post-1", Ct);
        await using var otherDataSource = Npgsql.NpgsqlDataSource.Create(Database.ConnectionString);
        var otherInstance = new PostgresIdempotencyStore(otherDataSource);

        var claim = await otherInstance.ClaimAsync("user-1", "key-1", "fingerprint-1", "post-9", Ct);

        Assert.False(claim.IsFirst);
        Assert.Equal("post-1", claim.ReservedId);
    }

    [Fact]
    public async Task ClaimAsync_ManyConcurrentClaims_ExactlyOneIsFirstAndAllAgreeOnIt()
    {
        for (var round = 0; round < 5; round++)
        {
            var key = $"key-{round}";
            var claims = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
                Task.Run(() => Store.ClaimAsync("user-1", key, $"fingerprint-{i}", $"post-{i}", Ct))));

            var first = Assert.Single(claims, c => c.IsFirst);
            Assert.All(claims, c => Assert.Equal((first.RequestFingerprint, first.ReservedId), (c.RequestFingerprint, c.ReservedId)));
        }
    }

    [Fact]
    public async Task CompleteAsync_KeyNeverClaimed_Throws()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => Store.CompleteAsync("user-1", "missing", new StoredResponse(200, null, null, null), Ct));
    }

    [Fact]
    public async Task Operations_NothingListeningOnPort_ThrowStoreUnavailable()
    {
        await using var closed = MigratedDatabase.ClosedPortDataSource();
        var store = new PostgresIdempotencyStore(closed);

        var claim = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ClaimAsync("u", "k", "f", "r", Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CompleteAsync("u", "k", new StoredResponse(200, null, null, null), Ct));

        Assert.Equal("PostgreSQL", claim.Store);
    }

    private static EventData NewEvent() => new(Guid.NewGuid(), "V1.TestHappened", "{}", EventMetadata.Empty);

    private async Task<List<string>> KeysAsync()
    {
        await using var command = Database.DataSource.CreateCommand("SELECT key FROM idempotency_keys ORDER BY key");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var keys = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
