using System.Data;
using Npgsql;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.OrleansProviders;

/// <summary>
/// The stored Orleans queries run directly, bound the way Orleans binds them (named parameters typed from the
/// .NET value), for the races a live cluster rarely hits.
/// </summary>
public sealed class OrleansQueryCatalogueTests(StoresFixture stores)
{
    private const string Cluster = "catalogue-test";
    private static readonly DateTime s_started = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);

    [Fact]
    public async Task Catalogue_AfterMigrations_HasEveryQueryKeyTheProvidersRead()
    {
        await using var database = await SqlDatabase.CreateAsync(stores.Postgres);

        var keys = await database.QueryAsync("SELECT QueryKey FROM OrleansQuery", r => r.GetString(0));

        string[] expected =
        [
            // Clustering (silos and gateway-discovering clients).
            "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "DeleteMembershipTableEntriesKey",
            "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey",
            "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
            // Grain storage.
            "ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey",
            // Reminders.
            "DeleteReminderRowKey", "DeleteReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "ReadReminderRowKey", "ReadReminderRowsKey", "UpsertReminderRowKey",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task InsertMembership_StaleVersion_ReturnsFalseAndChangesNothing()
    {
        await using var database = await SqlDatabase.CreateAsync(stores.Postgres);
        Assert.True(await BoolAsync(database, "InsertMembershipVersionKey", Deployment()));
        Assert.True(await BoolAsync(database, "InsertMembershipKey", Silo(generation: 1, version: 0)));

        // A second silo that read version 0 before the first one joined.
        var inserted = await BoolAsync(database, "InsertMembershipKey", Silo(generation: 2, version: 0));

        Assert.False(inserted);
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM orleans_membership"));
        Assert.Equal(1, await VersionAsync(database));
    }

    [Fact]
    public async Task InsertMembership_SiloRowAlreadyThere_ReturnsFalseAndKeepsVersion()
    {
        await using var database = await SqlDatabase.CreateAsync(stores.Postgres);
        await BoolAsync(database, "InsertMembershipVersionKey", Deployment());
        Assert.True(await BoolAsync(database, "InsertMembershipKey", Silo(generation: 1, version: 0)));

        var inserted = await BoolAsync(database, "InsertMembershipKey", Silo(generation: 1, version: 1));

        Assert.False(inserted);
        Assert.Equal(1, await VersionAsync(database));
    }

    [Fact]
    public async Task InsertMembershipVersion_CalledTwice_SecondReturnsFalse()
    {
        await using var database = await SqlDatabase.CreateAsync(stores.Postgres);

        Assert.True(await BoolAsync(database, "InsertMembershipVersionKey", Deployment()));
        Assert.False(await BoolAsync(database, "InsertMembershipVersionKey", Deployment()));
    }

    [Fact]
    public async Task UpdateMembership_MissingRowOrStaleVersion_ReturnsFalseAndKeepsVersion()
    {
        await using var database = await SqlDatabase.CreateAsync(stores.Postgres);
        await BoolAsync(database, "InsertMembershipVersionKey", Deployment());
        await BoolAsync(database, "InsertMembershipKey", Silo(generation: 1, version: 0));

        var missing = await BoolAsync(database, "UpdateMembershipKey", Update(generation: 99, version: 1, status: 6));
        var stale = await BoolAsync(database, "UpdateMembershipKey", Update(generation: 1, version: 0, status: 6));
        var current = await BoolAsync(database, "UpdateMembershipKey", Update(generation: 1, version: 1, status: 6));

        Assert.False(missing);
        Assert.False(stale);
        Assert.True(current);
        Assert.Equal(2, await VersionAsync(database));
        Assert.Equal(6, await database.ScalarAsync<int>("SELECT status FROM orleans_membership"));
    }

    [Fact]
    public async Task CleanupDefunctSiloEntry_RowChangedSinceRead_KeepsRowElseDeletesIt()
    {
        await using var database = await SqlDatabase.CreateAsync(stores.Postgres);
        await BoolAsync(database, "InsertMembershipVersionKey", Deployment());
        await BoolAsync(database, "InsertMembershipKey", Silo(generation: 1, version: 0));
        await BoolAsync(database, "UpdateMembershipKey", Update(generation: 1, version: 1, status: 6));
        // Orleans writes an empty vote list as '' and reads it back as "no votes" (NULL).
        await database.ExecuteAsync("UPDATE orleans_membership SET suspect_times = ''");

        // Orleans captured the row with an older heartbeat: the row has moved on, so it stays.
        await RunAsync(database, "CleanupDefunctSiloEntryKey", Captured(s_started.AddSeconds(1)));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM orleans_membership"));

        await RunAsync(database, "CleanupDefunctSiloEntryKey", Captured(s_started.AddSeconds(2)));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM orleans_membership"));
        Assert.Equal(2, await VersionAsync(database));
    }

    private static Parameter[] Deployment() => [new("DeploymentId", Cluster, DbType.String)];

    private static Parameter[] Silo(int generation, int version) =>
    [
        new("DeploymentId", Cluster, DbType.String),
        new("Address", "127.0.0.1", DbType.AnsiString),
        new("Port", 11111, DbType.Int32),
        new("Generation", generation, DbType.Int32),
        new("SiloName", "silo", DbType.String),
        new("HostName", "host", DbType.String),
        new("Status", 3, DbType.Int32),
        new("ProxyPort", 30000, DbType.Int32),
        new("StartTime", s_started, DbType.DateTime),
        new("IAmAliveTime", s_started, DbType.DateTime),
        new("Version", version, DbType.Int32),
    ];

    private static Parameter[] Update(int generation, int version, int status) =>
    [
        new("DeploymentId", Cluster, DbType.String),
        new("Address", "127.0.0.1", DbType.AnsiString),
        new("Port", 11111, DbType.Int32),
        new("Generation", generation, DbType.Int32),
        new("IAmAliveTime", s_started.AddSeconds(2), DbType.DateTime),
        new("Status", status, DbType.Int32),
        new("SuspectTimes", null, DbType.String),
        new("Version", version, DbType.Int32),
    ];

    private static Parameter[] Captured(DateTime iAmAliveTime) =>
    [
        new("DeploymentId", Cluster, DbType.String),
        new("Address", "127.0.0.1", DbType.AnsiString),
        new("Port", 11111, DbType.Int32),
        new("Generation", 1, DbType.Int32),
        new("SuspectTimes", null, DbType.String),
        new("StartTime", s_started, DbType.DateTime),
        new("IAmAliveTime", iAmAliveTime, DbType.DateTime),
    ];

    private static Task<int> VersionAsync(SqlDatabase database) =>
        database.ScalarAsync<int>("SELECT version FROM orleans_membership_version WHERE deployment_id = $1", Cluster);

    private static async Task<bool> BoolAsync(SqlDatabase database, string key, Parameter[] parameters)
    {
        await using var command = await CommandAsync(database, key, parameters);
        return Convert.ToBoolean(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    private static async Task RunAsync(SqlDatabase database, string key, Parameter[] parameters)
    {
        await using var command = await CommandAsync(database, key, parameters);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<NpgsqlCommand> CommandAsync(SqlDatabase database, string key, Parameter[] parameters)
    {
        var text = await database.ScalarAsync<string>("SELECT QueryText FROM OrleansQuery WHERE QueryKey = $1", key);
        var command = database.DataSource.CreateCommand(text);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter
            {
                ParameterName = parameter.Name,
                DbType = parameter.Type,
                Value = parameter.Value ?? DBNull.Value,
            });
        }

        return command;
    }

    private sealed record Parameter(string Name, object? Value, DbType Type);
}
