using Microsoft.Extensions.DependencyInjection;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.OrleansProviders;

/// <summary>Reminders in the ADO.NET reminder table on PostgreSQL.</summary>
public sealed class AdoNetReminderTests(StoresFixture stores)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Reminder_Registered_StoredInTableAndReadBackByGrain()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres);
        var grain = cluster.Client.GetGrain<IReminderProbeGrain>("erin");

        await grain.RegisterAsync("daily", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        await grain.RegisterAsync("hourly", TimeSpan.FromHours(1), TimeSpan.FromHours(1));

        Assert.Equal(["daily", "hourly"], await grain.GetReminderNamesAsync());
        var rows = await cluster.Database.QueryAsync(
            "SELECT grain_id, reminder_name, period_ms, version FROM orleans_reminders ORDER BY reminder_name",
            r => (GrainId: r.GetString(0), Name: r.GetString(1), Period: r.GetInt64(2), Version: r.GetInt32(3)));
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.EndsWith("/erin", row.GrainId, StringComparison.Ordinal));
        Assert.Equal(("daily", (long)TimeSpan.FromHours(24).TotalMilliseconds), (rows[0].Name, rows[0].Period));
        Assert.Equal(("hourly", (long)TimeSpan.FromHours(1).TotalMilliseconds), (rows[1].Name, rows[1].Period));
    }

    [Fact]
    public async Task Reminder_Reregistered_RowUpdatedWithNewVersion()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var grain = cluster.Client.GetGrain<IReminderProbeGrain>("frank");
        await grain.RegisterAsync("digest", TimeSpan.FromHours(1), TimeSpan.FromHours(1));

        await grain.RegisterAsync("digest", TimeSpan.FromHours(2), TimeSpan.FromHours(3));

        var (period, version) = (await cluster.Database.QueryAsync(
            "SELECT period_ms, version FROM orleans_reminders", r => (r.GetInt64(0), r.GetInt32(1)))).Single();
        Assert.Equal((long)TimeSpan.FromHours(3).TotalMilliseconds, period);
        Assert.Equal(2, version);
    }

    [Fact]
    public async Task Reminder_Unregistered_RowRemoved()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var grain = cluster.Client.GetGrain<IReminderProbeGrain>("grace");
        await grain.RegisterAsync("keep", TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        await grain.RegisterAsync("drop", TimeSpan.FromHours(1), TimeSpan.FromHours(1));

        Assert.True(await grain.UnregisterAsync("drop"));

        Assert.Equal(["keep"], await grain.GetReminderNamesAsync());
        Assert.Equal(["keep"], await cluster.Database.QueryAsync("SELECT reminder_name FROM orleans_reminders", r => r.GetString(0)));
    }

    [Fact]
    public async Task Reminder_ShortPeriod_TicksTheGrain()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var grain = cluster.Client.GetGrain<IReminderProbeGrain>("heidi");

        await grain.RegisterAsync("tick", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        await SqlDatabase.WaitUntilAsync(async () => await grain.GetTicksAsync("tick") > 0, s_timeout, "the reminder ticks");
    }

    [Fact]
    public async Task ReminderTable_HashRangeReads_MatchTheRingIncludingWrappedRanges()
    {
        await using var cluster = await SqlBackedCluster.StartAsync(stores.Postgres, silos: 1);
        var table = cluster.SiloServices(0).GetRequiredService<IReminderTable>();
        var grains = Enumerable.Range(0, 60).Select(i => GrainId.Create("range-test", $"g{i}")).ToList();
        foreach (var grainId in grains)
        {
            await table.UpsertRow(new ReminderEntry
            {
                GrainId = grainId,
                ReminderName = "r",
                StartAt = DateTime.UtcNow.AddHours(1),
                Period = TimeSpan.FromHours(1),
            }, TestContext.Current.CancellationToken);
        }

        // (begin, end] on the unsigned ring; the last two wrap, in unsigned or in signed order, and begin = end is all.
        (uint Begin, uint End)[] ranges =
        [
            (0x1000_0000, 0x6000_0000),
            (0xA000_0000, 0xF000_0000),
            (0x4000_0000, 0xC000_0000),
            (0xC000_0000, 0x4000_0000),
            (0x8000_0000, 0x8000_0000),
        ];
        foreach (var (begin, end) in ranges)
        {
            var expected = grains.Where(g => InRange(g.GetUniformHashCode(), begin, end)).Order().ToList();
            var actual = (await table.ReadRows(begin, end, TestContext.Current.CancellationToken)).Reminders.Select(r => r.GrainId).Order().ToList();
            Assert.True(expected.SequenceEqual(actual), $"range ({begin:X8}, {end:X8}]: expected {expected.Count}, got {actual.Count}");
        }
    }

    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
