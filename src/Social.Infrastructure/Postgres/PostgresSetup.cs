using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Social.Abstractions.EventStore;
using Social.Abstractions.Idempotency;
using Social.Infrastructure.EventStore;
using Social.Infrastructure.Idempotency;

namespace Social.Infrastructure.Postgres;

/// <summary>
/// The event store and the idempotency store on PostgreSQL, each role on a pool of its own size
/// (<see cref="PostgresConnectionOptions"/>). The unkeyed <see cref="NpgsqlDataSource"/> is the event store's read pool,
/// which the admin figures and health checks share.
/// </summary>
public static class PostgresSetup
{
    private const string AppendsKey = "social-appends";
    private const string IdempotencyKey = "social-idempotency";

    /// <param name="services">The host's services; bind <see cref="PostgresConnectionOptions"/> and <see cref="EventStoreOptions"/> beside.</param>
    /// <param name="connectionString">The database of the event store.</param>
    public static IServiceCollection AddPostgresStores(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.AddSingleton(provider => Pool(provider, connectionString, "reads", budget => budget.EventStoreReads));
        services.AddKeyedSingleton(AppendsKey, (provider, _) => Pool(provider, connectionString, "appender", _ => PostgresConnectionOptions.Appender));
        // Claims and responses commit without waiting for their fsync: a claim is made durable by the append that marks
        // it (WAL is flushed in order, up to that commit), and a lost response is rebuilt from the write it records.
        services.AddKeyedSingleton(IdempotencyKey, (provider, _) => Pool(provider, connectionString, "idempotency", budget => budget.Idempotency, "-c synchronous_commit=off"));
        services.AddSingleton<IEventStore>(provider => new PostgresEventStore(
            provider.GetRequiredService<NpgsqlDataSource>(),
            provider.GetRequiredKeyedService<NpgsqlDataSource>(AppendsKey),
            provider.GetRequiredService<IOptions<EventStoreOptions>>(),
            provider.GetRequiredService<ILogger<PostgresEventStore>>()));
        services.AddSingleton<IIdempotencyStore>(provider => new PostgresIdempotencyStore(provider.GetRequiredKeyedService<NpgsqlDataSource>(IdempotencyKey)));
        return services;
    }

    private static NpgsqlDataSource Pool(
        IServiceProvider provider, string connectionString, string role, Func<PostgresConnectionOptions, int> size, string? serverSettings = null)
    {
        var budget = provider.GetRequiredService<IOptions<PostgresConnectionOptions>>().Value;
        return NpgsqlDataSource.Create(budget.For(connectionString, role, size(budget), serverSettings));
    }
}
