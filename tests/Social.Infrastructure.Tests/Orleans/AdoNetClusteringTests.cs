using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.OrleansProviders;

/// <summary>Real silos forming a cluster through the ADO.NET membership table on PostgreSQL.</summary>
public sealed class AdoNetClusteringTests(StoresFixture stores)
{
    private const int Active = 3;
    private const int Dead = 6;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Cluster_TwoSilosStarted_BothActiveInMembershipTable()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres);

        var rows = await MembershipAsync(cluster);

        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal(Active, row.Status));
        var expected = cluster.Cluster.Silos.Select(s => s.SiloAddress).Order().ToList();
        Assert.Equal(expected, rows.Select(r => r.Silo).Order().ToList());
        Assert.All(rows, row => Assert.True(row.ProxyPort > 0));
        // Every join bumped the table version (creating the version row leaves it at 0).
        var version = await cluster.Database.ScalarAsync<int>(
            "SELECT version FROM orleans_membership_version WHERE deployment_id = $1", cluster.ClusterId);
        Assert.True(version >= 2, $"version {version}");
    }

    [Fact]
    public async Task Cluster_GrainCallsGrainOnOtherSilo_CallCrossesSilos()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres);
        var client = cluster.Client;

        // Random placement spreads 40 probes over both silos (all on one silo: odds of 2^-39).
        var keys = Enumerable.Range(0, 40).Select(i => $"probe-{i}").ToList();
        var silos = await Task.WhenAll(keys.Select(k => client.GetGrain<IPlacementProbeGrain>(k).GetSiloAsync()));
        var bySilo = keys.Zip(silos).GroupBy(p => p.Second).ToList();
        Assert.Equal(2, bySilo.Count);

        var (first, firstSilo) = bySilo[0].First();
        var (second, secondSilo) = bySilo[1].First();
        var answeredFrom = await client.GetGrain<IPlacementProbeGrain>(first).GetSiloOfAsync(second);

        Assert.Equal(secondSilo, answeredFrom);
        Assert.NotEqual(firstSilo, answeredFrom);
    }

    [Fact]
    public async Task Cluster_SiloStoppedAndAnotherStarted_StoppedRowDeadAndNewRowActive()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres);
        var stopped = cluster.Cluster.Silos[1];

        await cluster.Cluster.StopSiloAsync(stopped, TestContext.Current.CancellationToken);
        await SqlDatabase.WaitUntilAsync(
            async () => (await MembershipAsync(cluster)).Single(r => r.Silo.Equals(stopped.SiloAddress)).Status == Dead,
            s_timeout, "the stopped silo is Dead in the table");

        var joined = await cluster.Cluster.StartAdditionalSiloAsync();
        var rows = await MembershipAsync(cluster);

        Assert.Equal(3, rows.Count);
        Assert.Equal(Dead, rows.Single(r => r.Silo.Equals(stopped.SiloAddress)).Status);
        Assert.Equal(Active, rows.Single(r => r.Silo.Equals(joined.SiloAddress)).Status);
        Assert.Equal(2, rows.Count(r => r.Status == Active));
        // The cluster still serves calls, on the silos that are left.
        var silo = await cluster.Client.GetGrain<IPlacementProbeGrain>("after-join").GetSiloAsync();
        Assert.False(string.IsNullOrEmpty(silo));
    }

    [Fact]
    public async Task Cluster_SiloKilled_RowDeclaredDeadWithSuspicionAndTableStillReadable()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres);
        var killed = cluster.Cluster.Silos[1];

        await cluster.Cluster.KillSiloAsync(killed, TestContext.Current.CancellationToken);

        await SqlDatabase.WaitUntilAsync(
            async () => (await MembershipAsync(cluster)).Single(r => r.Silo.Equals(killed.SiloAddress)).Status == Dead,
            s_timeout, "the killed silo is declared Dead");
        // The death declaration carries Orleans's suspicion list ("silo,time|..."), stored as written.
        var suspicion = await cluster.Database.ScalarAsync<string>(
            "SELECT suspect_times FROM orleans_membership WHERE port = $1 AND generation = $2",
            killed.SiloAddress.Endpoint.Port, killed.SiloAddress.Generation);
        Assert.Matches(@"^127\.0\.0\.1:\d+@\d+,\d{4}-\d\d-\d\d [\d:.]+ GMT(\|.+)?$", suspicion);
        // A joining silo reads (and parses) the whole table, suspicion list included, before it can serve calls.
        var joined = await cluster.Cluster.StartAdditionalSiloAsync(startAdditionalSiloOnNewPort: true);
        Assert.Equal(Active, (await MembershipAsync(cluster)).Single(r => r.Silo.Equals(joined.SiloAddress)).Status);
        Assert.False(string.IsNullOrEmpty(await cluster.Client.GetGrain<IPlacementProbeGrain>("after-kill").GetSiloAsync()));
    }

    [Fact]
    public async Task Cluster_SiloHeartbeats_IAmAliveTimeAdvancesWithoutVersionChange()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var clusterId = cluster.ClusterId;
        const string Sql = "SELECT version FROM orleans_membership_version WHERE deployment_id = $1";
        var before = (await MembershipAsync(cluster)).Single().IAmAliveTime;
        var versionBefore = await cluster.Database.ScalarAsync<int>(Sql, clusterId);

        await SqlDatabase.WaitUntilAsync(
            async () => (await MembershipAsync(cluster)).Single().IAmAliveTime > before,
            s_timeout, "the silo publishes a heartbeat");

        Assert.Equal(versionBefore, await cluster.Database.ScalarAsync<int>(Sql, clusterId));
    }

    [Fact]
    public async Task Cluster_DeadSiloBeyondRetention_RowRemovedByCleanup()
    {
        // Keep no dead rows and no retention, so the first active silo removes a dead row as soon as it sees it.
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, immediateDefunctSiloCleanup: true);
        var stopped = cluster.Cluster.Silos[1];

        await cluster.Cluster.StopSiloAsync(stopped, TestContext.Current.CancellationToken);

        await SqlDatabase.WaitUntilAsync(
            async () => (await MembershipAsync(cluster)).All(r => !r.Silo.Equals(stopped.SiloAddress)),
            s_timeout, "the dead silo's row is cleaned up");
        var remaining = await MembershipAsync(cluster);
        Assert.Equal(cluster.Cluster.Silos[0].SiloAddress, Assert.Single(remaining).Silo);
    }

    private static Task<List<MembershipRow>> MembershipAsync(SqlBackedCluster cluster) =>
        cluster.Database.QueryAsync(
            "SELECT address, port, generation, status, proxy_port, i_am_alive_time FROM orleans_membership WHERE deployment_id = $1",
            r => new MembershipRow(
                SiloAddress.New(System.Net.IPAddress.Parse(r.GetString(0)), r.GetInt32(1), r.GetInt32(2)),
                r.GetInt32(3),
                r.GetInt32(4),
                r.GetDateTime(5)),
            cluster.ClusterId);

    private sealed record MembershipRow(SiloAddress Silo, int Status, int ProxyPort, DateTime IAmAliveTime);
}
