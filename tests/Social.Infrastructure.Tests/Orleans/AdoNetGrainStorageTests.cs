using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.OrleansProviders;

/// <summary>Grain state in the ADO.NET grain storage on PostgreSQL: round trips, ETags and clearing.</summary>
public sealed class AdoNetGrainStorageTests(StoresFixture stores)
{
    private static readonly GrainType s_counterType = GrainType.Create("storage-test");

    [Fact]
    public async Task GrainState_WrittenThenGrainDeactivated_ReadBackFromTable()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var grain = cluster.Client.GetGrain<ICounterGrain>("alice");
        await grain.AddAsync(5);
        await grain.AddAsync(2);
        var firstActivation = await grain.GetActivationIdAsync();

        await grain.DeactivateAsync();

        // The next call reaches a new activation, which can only know the state from the table.
        Assert.Equal(7, await grain.GetAsync());
        Assert.NotEqual(firstActivation, await grain.GetActivationIdAsync());
        Assert.Equal("2", await grain.GetETagAsync());
        var (version, extension) = (await cluster.Database.QueryAsync(
            "SELECT version, grain_id_extension FROM orleans_storage WHERE payload IS NOT NULL",
            r => (r.GetInt32(0), r.GetString(1)))).Single();
        Assert.Equal(2, version);
        Assert.Equal("alice", extension);
    }

    [Fact]
    public async Task GrainStorage_TwoWritersFromSameVersion_SecondWriteThrowsInconsistentState()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var storage = Storage(cluster, SqlBackedCluster.StorageName);
        var grainId = GrainId.Create(s_counterType, "shared");
        await WriteAsync(storage, grainId, new GrainState<CounterState>(new CounterState { Value = 1 }));

        var first = await ReadAsync(storage, grainId);
        var second = await ReadAsync(storage, grainId);
        first.State = new CounterState { Value = 10 };
        await WriteAsync(storage, grainId, first);
        second.State = new CounterState { Value = 20 };

        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(storage, grainId, second));
        var stored = await ReadAsync(storage, grainId);
        Assert.Equal(10, Value(stored));
        Assert.Equal("2", stored.ETag);
    }

    [Fact]
    public async Task GrainStorage_TwoFirstWritesOfNewGrain_OnlyOneSucceeds()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var storage = Storage(cluster, SqlBackedCluster.StorageName);
        var grainId = GrainId.Create(s_counterType, "racing");

        // Both writers believe the grain was never stored (no ETag); they race to insert.
        var writes = Enumerable.Range(1, 8)
            .Select(i => WriteAsync(storage, grainId, new GrainState<CounterState>(new CounterState { Value = i })))
            .ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Equal(1, outcomes.Count(ok => ok));
        Assert.Equal(1L, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM orleans_storage"));
    }

    [Fact]
    public async Task GrainState_ChangedBehindTheGrainsBack_WriteThrowsInconsistentState()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var grain = cluster.Client.GetGrain<ICounterGrain>("bob");
        await grain.AddAsync(1);

        // Another writer (a second activation after a split, say) moves the version on.
        await cluster.Database.ExecuteAsync("UPDATE orleans_storage SET version = version + 1");

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.AddAsync(1));
    }

    [Fact]
    public async Task GrainState_Cleared_RowKeepsVersionWithoutPayloadAndStateReadsAsNew()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var grain = cluster.Client.GetGrain<ICounterGrain>("carol");
        await grain.AddAsync(3);

        await grain.ClearAsync();
        await grain.DeactivateAsync();

        Assert.Equal(0, await grain.GetAsync());
        // The cleared row stays, with its version bumped, so the ETag still guards later writes.
        Assert.Equal("2", await grain.GetETagAsync());
        var (version, hasPayload) = (await cluster.Database.QueryAsync(
            "SELECT version, payload IS NOT NULL FROM orleans_storage", r => (r.GetInt32(0), r.GetBoolean(1)))).Single();
        Assert.Equal(2, version);
        Assert.False(hasPayload);
        Assert.Equal(4, await grain.AddAsync(4));
    }

    [Fact]
    public async Task GrainStorage_ClearedWithDeleteStateOnClear_RowDeletedAndNextWriteStartsOver()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var storage = Storage(cluster, SqlBackedCluster.DeletingStorageName);
        var grainId = GrainId.Create(s_counterType, "dave");
        var state = new GrainState<CounterState>(new CounterState { Value = 9 });
        await WriteAsync(storage, grainId, state);

        await storage.ClearStateAsync("counter", grainId, state);

        Assert.Null(state.ETag);
        Assert.Equal(0L, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM orleans_storage"));
        state.State = new CounterState { Value = 1 };
        await WriteAsync(storage, grainId, state);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public async Task GrainStorage_SameIntegerKeyWithDifferentExtensions_KeepsSeparateStates()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var storage = Storage(cluster, SqlBackedCluster.StorageName);
        var plain = GrainId.Create(s_counterType, GrainIdKeyExtensions.CreateIntegerKey(42));
        var extended = GrainId.Create(s_counterType, GrainIdKeyExtensions.CreateIntegerKey(42, "eu"));
        var guid = GrainId.Create(s_counterType, GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid(), "eu"));

        await WriteAsync(storage, plain, new GrainState<CounterState>(new CounterState { Value = 1 }));
        await WriteAsync(storage, extended, new GrainState<CounterState>(new CounterState { Value = 2 }));
        await WriteAsync(storage, guid, new GrainState<CounterState>(new CounterState { Value = 3 }));

        Assert.Equal(1, Value(await ReadAsync(storage, plain)));
        Assert.Equal(2, Value(await ReadAsync(storage, extended)));
        Assert.Equal(3, Value(await ReadAsync(storage, guid)));
        var extensions = await cluster.Database.QueryAsync(
            "SELECT grain_id_extension FROM orleans_storage ORDER BY grain_id_extension NULLS FIRST",
            r => r.IsDBNull(0) ? null : r.GetString(0));
        Assert.Equal([null, "eu", "eu"], extensions);
    }

    private static IGrainStorage Storage(SqlBackedCluster cluster, string name) =>
        cluster.SiloServices(0).GetRequiredKeyedService<IGrainStorage>(name);

    private static async Task<GrainState<CounterState>> ReadAsync(IGrainStorage storage, GrainId grainId)
    {
        var state = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("counter", grainId, state);
        return state;
    }

    private static int Value(GrainState<CounterState> state) => Assert.IsType<CounterState>(state.State).Value;

    private static Task WriteAsync(IGrainStorage storage, GrainId grainId, GrainState<CounterState> state) =>
        storage.WriteStateAsync("counter", grainId, state);
}
