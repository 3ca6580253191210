using Social.Abstractions.Users;
using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Grains.Tests.TestHost;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.Users;

/// <summary>A user's state lives only in its event stream: a new activation rebuilds it from the store.</summary>
public sealed class UserGrainDurabilityTests(ClusterFixture fixture, StoresFixture stores) : IClassFixture<ClusterFixture>
{
    private GrainCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task UserGrain_AfterDeactivation_RebuildsProfileAndFollowingFromStore()
    {
        var followees = await Cluster.RegisterAsync(2);
        var user = Ids.NewUser();
        var grain = Cluster.User(user);
        var registered = await grain.RegisterAsync("Ada", Ids.PasswordHash);
        await grain.UpdateProfileAsync("Ada Lovelace", "Counts things.");
        await grain.FollowAsync(followees[0]);
        await grain.FollowAsync(followees[1]);
        await grain.UnfollowAsync(followees[0]);
        var before = await grain.GetAsync();

        await Cluster.DeactivateAsync(grain);
        var after = await grain.GetAsync();

        Assert.Equal(new UserView(user.Value, "Ada Lovelace", "Counts things.", 0, 1, 0, registered.CreatedAt), after);
        Assert.Equal(before, after);
        Assert.Equal(Ids.PasswordHash, (await grain.GetCredentialAsync())!.PasswordHash);
    }

    [Fact]
    public async Task UserGrain_AfterDeactivation_KeepsFollowingIdempotent()
    {
        var followee = (await Cluster.RegisterAsync(1))[0];
        var user = (await Cluster.RegisterAsync(1))[0];
        await Cluster.User(user).FollowAsync(followee);

        await Cluster.DeactivateAsync(Cluster.User(user));
        await Cluster.User(user).FollowAsync(followee);

        Assert.Equal(["V1.UserRegistered", "V1.UserFollowed"], await fixture.Database.TypesAsync(user.StreamId));
        Assert.Equal(1, (await Cluster.User(user).GetAsync()).Following);
    }

    [Fact]
    public async Task UserGrain_AfterClusterRestart_RebuildsStateFromStore()
    {
        await using var database = await EventStoreDatabase.CreateAsync(stores.Postgres);
        var user = Ids.NewUser();
        var followee = Ids.NewUser();
        UserView before;
        await using (var first = await GrainCluster.StartAsync(database.ConnectionString, stores.Redis.ConnectionString))
        {
            await first.User(followee).RegisterAsync("Followee", Ids.PasswordHash);
            await first.User(user).RegisterAsync("Grace", Ids.PasswordHash);
            await first.User(user).UpdateProfileAsync(null, "Writes compilers.");
            await first.User(user).FollowAsync(followee);
            before = await first.User(user).GetAsync();
        }

        await using var second = await GrainCluster.StartAsync(database.ConnectionString, stores.Redis.ConnectionString);
        var after = await second.User(user).GetAsync();

        Assert.Equal(before, after);
        Assert.Equal("Grace", after.DisplayName);
        Assert.Equal("Writes compilers.", after.Bio);
        Assert.Equal(1, after.Following);

        // The rebuilt state is the one commands decide on: the handle is taken, and the next version follows on.
        await Assert.ThrowsAsync<ConflictException>(() => second.User(user).RegisterAsync("Grace", Ids.PasswordHash));
        await second.User(user).UnfollowAsync(followee);
        var versions = (await database.ReadAsync(user.StreamId)).Select(e => e.Version);
        Assert.Equal([1L, 2, 3, 4], versions);
    }

    [Fact]
    public async Task UserGrain_WhenItsSiloStops_ReactivatesOnAnotherSiloWithItsState()
    {
        await using var database = await EventStoreDatabase.CreateAsync(stores.Postgres);
        await using var cluster = await GrainCluster.StartAsync(database.ConnectionString, stores.Redis.ConnectionString, silos: 2);
        var users = await cluster.RegisterAsync(8);
        await Task.WhenAll(users.Select(u => cluster.User(u).UpdateProfileAsync(null, "bio of " + u.Value)));
        var hosts = await HostsAsync(cluster, users);
        var stopped = cluster.Cluster.Silos.First(s => hosts.Values.Contains(s.SiloAddress));

        await cluster.Cluster.StopSiloAsync(stopped, TestContext.Current.CancellationToken);

        var moved = hosts.Where(h => h.Value == stopped.SiloAddress).Select(h => h.Key).ToList();
        Assert.NotEmpty(moved);
        foreach (var user in users)
        {
            var view = await cluster.User(user).GetAsync();
            Assert.Equal("bio of " + user.Value, view.Bio);
        }

        var after = await HostsAsync(cluster, moved);
        Assert.All(after.Values, host => Assert.NotEqual(stopped.SiloAddress, host));
    }

    private static async Task<Dictionary<UserId, SiloAddress>> HostsAsync(GrainCluster cluster, IEnumerable<UserId> users)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        var byGrain = statistics.ToDictionary(s => s.GrainId, s => s.SiloAddress);
        return users.ToDictionary(u => u, u => byGrain[cluster.User(u).GetGrainId()]);
    }
}
