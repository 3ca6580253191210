using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Social.Abstractions.EventStore;
using Social.Abstractions.Idempotency;
using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Infrastructure.Configuration;
using Social.Infrastructure.EventStore;
using Social.Infrastructure.Idempotency;

namespace Social.Infrastructure.Postgres;

/// <summary>
/// The event store and the idempotency store on PostgreSQL (<c>ConnectionStrings:Postgres</c>), each role on a pool of
/// its own size (<see cref="PostgresConnectionOptions"/>). The unkeyed <see cref="NpgsqlDataSource"/> is the event
/// store's read pool, which the admin figures and health checks share.
/// </summary>
public static class PostgresSetup
{
    private const string AppendsKey = "social-appends";
    private const string IdempotencyKey = "social-idempotency";

    public static IServiceCollection AddPostgresStores(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.RequiredConnectionString("Postgres");
        services.AddValidatedOptions<PostgresConnectionOptions>(configuration, PostgresConnectionOptions.Section);
        services.AddValidatedOptions<EventStoreOptions>(configuration, EventStoreOptions.Section);
        services.AddSingleton(provider => new PostgresConnections(connectionString, provider.GetRequiredService<IOptions<PostgresConnectionOptions>>()));

        services.AddSingleton(provider => NpgsqlDataSource.Create(Connections(provider).EventStoreReads));
        services.AddKeyedSingleton(AppendsKey, (provider, _) => NpgsqlDataSource.Create(Connections(provider).Appender));
        services.AddKeyedSingleton(IdempotencyKey, (provider, _) => NpgsqlDataSource.Create(Connections(provider).Idempotency));
        services.AddSingleton<IEventStore>(provider => new PostgresEventStore(
            provider.GetRequiredService<NpgsqlDataSource>(),
            provider.GetRequiredKeyedService<NpgsqlDataSource>(AppendsKey),
            provider.GetRequiredService<IOptions<EventStoreOptions>>(),
            provider.GetRequiredService<ILogger<PostgresEventStore>>()));
        services.AddSingleton<IAccountErasureStore>(provider => new PostgresAccountErasure(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<ISnapshotStore>(provider => new PostgresSnapshotStore(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IPostActivity>(provider => new PostgresPostActivity(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IParkedStreams>(provider => new PostgresParkedStreams(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IIdempotencyStore>(provider => new PostgresIdempotencyStore(provider.GetRequiredKeyedService<NpgsqlDataSource>(IdempotencyKey)));
        return services;
    }

    private static PostgresConnections Connections(IServiceProvider provider) => provider.GetRequiredService<PostgresConnections>();
}
