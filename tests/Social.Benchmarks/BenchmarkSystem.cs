using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Grains;
using Social.Infrastructure.Migrations;
using Social.Infrastructure.Postgres;
using Social.Infrastructure.ReadModels;
using Social.Streaming;
using Social.Testing;
using StackExchange.Redis;

namespace Social.Benchmarks;

/// <summary>
/// Everything one run starts: a throwaway PostgreSQL and Redis on free loopback ports, the schema, and one silo in this
/// process registered by the host's own extensions (grains, event-store streams, PostgreSQL event store, Redis
/// projection store and queries, timeline options), with localhost clustering instead of PostgreSQL membership. Disposing stops all of it, in reverse order.
/// </summary>
internal sealed class BenchmarkSystem : IAsyncDisposable
{
    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(20);

    private PostgresServer? _postgres;
    private RedisServer? _redis;
    private IHost? _host;
    private ConnectionMultiplexer? _benchRedis;

    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    public IProjectionStore ProjectionStore => Host.Services.GetRequiredService<IProjectionStore>();

    public TimelineOptions Timelines { get; private set; } = new();

    /// <summary>The benchmark's own connection to the same Redis (admin commands allowed); the silo has its own.</summary>
    public ConnectionMultiplexer Redis => _benchRedis ?? throw new InvalidOperationException("not started");

    /// <summary>The silo's errors (and with --verbose its warnings), counted by kind.</summary>
    public SiloLog Log { get; private set; } = new(LogLevel.Error);

    public string RedisVersion { get; private set; } = "";

    public string PostgresVersion { get; private set; } = "";

    public int RedisPort => _redis?.Port ?? 0;

    public int PostgresPort => _postgres?.Port ?? 0;

    private IHost Host => _host ?? throw new InvalidOperationException("not started");

    /// <summary>Starts the servers and the silo; on failure or cancellation, what was started is left for <see cref="DisposeAsync"/>.</summary>
    public async Task StartAsync(long mergeAtReadThreshold, bool verbose, CancellationToken cancellationToken)
    {
        var startPostgres = PostgresServer.StartAsync();
        var startRedis = RedisServer.StartAsync();
        PostgresServer postgres;
        try
        {
            _postgres = postgres = await startPostgres;
        }
        catch
        {
            // Keep hold of Redis so that it is stopped too.
            _redis = await startRedis;
            throw;
        }

        var redis = _redis = await startRedis;
        cancellationToken.ThrowIfCancellationRequested();
        var connectionString = await postgres.CreateDatabaseAsync("bench");
        // Npgsql's own pool defaults, as the host's connection string leaves them (the throwaway server's strings are
        // tuned for tests: 50 connections, 5 s), so that 64 seeding calls in flight do not queue for connections.
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 100, Timeout = 15 }.ConnectionString;
        await SchemaMigrations.ApplyAsync(connectionString, cancellationToken);

        var benchOptions = ConfigurationOptions.Parse(redis.ConnectionString);
        benchOptions.AllowAdmin = true;
        _benchRedis = await ConnectionMultiplexer.ConnectAsync(benchOptions);
        RedisVersion = _benchRedis.GetServers()[0].Version.ToString();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var command = dataSource.CreateCommand("SHOW server_version"))
        {
            PostgresVersion = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        Timelines = new TimelineOptions { MergeAtReadThreshold = mergeAtReadThreshold };
        Log = new SiloLog(verbose ? LogLevel.Warning : LogLevel.Error);
        _host = BuildHost(connectionString, redis.ConnectionString, mergeAtReadThreshold, verbose, Log);
        await _host.StartAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        var errors = new List<Exception>();
        if (_host is not null)
        {
            await Try(async () =>
            {
                using var limit = new CancellationTokenSource(_stopTimeout);
                await _host.StopAsync(limit.Token);
            });
            await Try(async () =>
            {
                if (_host is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync();
                }
                else
                {
                    _host.Dispose();
                }
            });
        }

        if (_benchRedis is not null)
        {
            await Try(async () => await _benchRedis.DisposeAsync());
        }

        if (_redis is not null)
        {
            await Try(async () => await _redis.DisposeAsync());
        }

        if (_postgres is not null)
        {
            await Try(async () => await _postgres.DisposeAsync());
        }

        if (errors.Count > 0)
        {
            Console.Error.WriteLine($"While stopping: {string.Join("; ", errors.Select(e => e.GetBaseException().Message))}");
        }

        async Task Try(Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }
    }

    private static IHost BuildHost(string postgres, string redis, long mergeAtReadThreshold, bool verbose, SiloLog log)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Warning : LogLevel.Error);
        builder.Logging.AddProvider(log);

        // The benchmark owns Ctrl-C and SIGTERM (Program), and stops the host itself.
        builder.Services.AddSingleton<IHostLifetime, ProgramOwnedLifetime>();

        // The host's own registrations of the stores, read models and grains, on the benchmark's servers.
        var configuration = StoreConfiguration.For(postgres, redis, [new("Social:Timelines:MergeAtReadThreshold", mergeAtReadThreshold.ToString(CultureInfo.InvariantCulture))]);
        builder.Services.AddPostgresStores(configuration);
        builder.Services.AddRedisReadModels(configuration);

        // As SiloHosting composes the silo, with localhost clustering for the single benchmark silo.
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                siloPort: LocalPort(), gatewayPort: LocalPort(), serviceId: "social-bench", clusterId: "social-bench");
            silo.AddPostgresGrainStorageAsDefault();
            silo.AddSocialGrains();
            silo.AddPostgresEventStreams(EventStreams.ProviderName);
        });
        return builder.Build();
    }

    private static int LocalPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A lifetime that leaves signals to the program, which cancels the run and then stops the host.</summary>
    private sealed class ProgramOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
