namespace Social.Infrastructure.Postgres;

/// <summary>
/// Orleans's own ADO.NET providers on the event store's database, each on its role's pool
/// (<see cref="PostgresConnections"/>, registered by <see cref="PostgresSetup.AddPostgresStores"/>).
/// </summary>
public static class PostgresOrleansProviders
{
    /// <summary>The ADO.NET invariant name under which Orleans loads Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Cluster membership in PostgreSQL: the store every instance already shares, so no further moving part.</summary>
    public static ISiloBuilder UsePostgresMembership(this ISiloBuilder silo) =>
        silo.UseAdoNetClustering(options => options.Configure<PostgresConnections>((membership, connections) =>
        {
            membership.Invariant = Invariant;
            membership.ConnectionString = connections.Membership;
        }));

    /// <summary>The default grain storage, for any grain with Orleans-managed state (the domain's grains keep theirs as events).</summary>
    public static ISiloBuilder AddPostgresGrainStorageAsDefault(this ISiloBuilder silo) =>
        silo.AddAdoNetGrainStorageAsDefault(options => options.Configure<PostgresConnections>((storage, connections) =>
        {
            storage.Invariant = Invariant;
            storage.ConnectionString = connections.GrainStorage;
        }));
}
