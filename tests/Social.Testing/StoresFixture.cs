using Xunit;

namespace Social.Testing;

/// <summary>
/// One PostgreSQL and one Redis server for a whole test assembly
/// (<c>[assembly: AssemblyFixture(typeof(StoresFixture))]</c>); tests isolate themselves by database.
/// </summary>
public sealed class StoresFixture : IAsyncLifetime
{
    private PostgresServer? _postgres;
    private RedisServer? _redis;

    public PostgresServer Postgres => _postgres ?? throw new InvalidOperationException("not started");

    public RedisServer Redis => _redis ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        var postgres = PostgresServer.StartAsync();
        var redis = RedisServer.StartAsync();
        _postgres = await postgres;
        _redis = await redis;
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
