using System.Security.Cryptography;
using Social.Testing;

namespace Social.Benchmarks.Hosted;

/// <summary>
/// A throwaway PostgreSQL and Redis on loopback and one real Social.Api process over them (web host and silo, one
/// development node), with per-user rate limits out of the way so that only capacity limits a benchmark's writes.
/// Disposing stops them in reverse order.
/// </summary>
internal sealed class ApiSystem : IAsyncDisposable
{
    private ApiSystem(PostgresServer postgres, RedisServer redis, HostProcess api, string dll)
    {
        Postgres = postgres;
        Redis = redis;
        Api = api;
        Dll = dll;
    }

    public PostgresServer Postgres { get; }

    public RedisServer Redis { get; }

    public HostProcess Api { get; }

    /// <summary>The host build that runs.</summary>
    public string Dll { get; }

    /// <param name="database">Prefix of the host's database's name.</param>
    /// <param name="dll">The host build to run (null: the repository's Release build).</param>
    /// <param name="extraSettings">More environment for the host, applied last (they override the defaults here).</param>
    /// <param name="output">Where the host's output lines go.</param>
    /// <param name="cancellationToken">Stops waiting for the host to start.</param>
    public static async Task<ApiSystem> StartAsync(
        string database, string? dll, IReadOnlyDictionary<string, string> extraSettings, Action<string> output, CancellationToken cancellationToken)
    {
        var postgres = await PostgresServer.StartAsync(durable: true);
        RedisServer? redis = null;
        try
        {
            redis = await RedisServer.StartAsync();
            var settings = new Dictionary<string, string>
            {
                ["ConnectionStrings__Postgres"] = await postgres.CreateDatabaseAsync(database),
                ["ConnectionStrings__Redis"] = redis.ConnectionString,
                ["Social__Jwt__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
                ["Social__Cluster__Mode"] = "Localhost",
                ["Social__RateLimit__WritesPerWindow"] = "1000000",
                // Every benchmark user signs in from this one address.
                ["Social__SignIn__AttemptsPerAddress"] = "1000000",
            };
            foreach (var (key, value) in extraSettings)
            {
                settings[key] = value;
            }

            var api = await HostProcess.StartAsync(settings, output, cancellationToken, dll);
            return new ApiSystem(postgres, redis, api, dll ?? HostProcess.DefaultDll);
        }
        catch
        {
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }

            await postgres.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
