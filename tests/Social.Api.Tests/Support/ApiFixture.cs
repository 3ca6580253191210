using Microsoft.Extensions.DependencyInjection;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Support;

/// <summary>
/// One started host for a whole test class (<c>IClassFixture&lt;ApiFixture&gt;</c>), over the assembly's shared
/// PostgreSQL server (a database of its own) and Redis, or a Redis server of its own when <see cref="OwnRedis"/>.
/// </summary>
public class ApiFixture(StoresFixture stores) : IAsyncLifetime
{
    private SocialApiFactory? _factory;
    private RedisServer? _redis;
    private Task<HttpClient>? _admin;

    public SocialApiFactory Factory => _factory ?? throw new InvalidOperationException("not started");

    /// <summary>Settings on top of the factory's defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    /// <summary>
    /// Whether the class's host gets a Redis server of its own: a rebuild drops every read model in its Redis, which
    /// in the shared server would be every other class's too.
    /// </summary>
    protected virtual bool OwnRedis => false;

    /// <summary>Changes to the host's services (fault injection around a real store); none by default.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public HttpClient CreateClient() => Factory.CreateClient();

    /// <summary>The Redis the host's read models are in (its own, with <see cref="OwnRedis"/>).</summary>
    public string RedisConnectionString => (_redis ?? stores.Redis).ConnectionString;

    /// <summary>Registers a user with a unique handle made from <paramref name="prefix"/>; returns their client and handle.</summary>
    public async Task<(HttpClient Client, string Handle)> SignUpAsync(string prefix = "user")
    {
        var handle = Handles.Unique(prefix);
        return (await Factory.SignUpAsync(handle), handle);
    }

    /// <summary>A client of an administrator: registered, then granted as an operator would, on first use.</summary>
    public Task<HttpClient> AdminAsync() => _admin ??= SignUpAdministratorAsync();

    public async ValueTask InitializeAsync()
    {
        _redis = OwnRedis ? await RedisServer.StartAsync() : null;
        _factory = SocialApiFactory.Start(await stores.Postgres.CreateDatabaseAsync("api_tests"), (_redis ?? stores.Redis).ConnectionString, Settings, ConfigureServices);
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private async Task<HttpClient> SignUpAdministratorAsync()
    {
        var admin = await Factory.SignUpAsync(SocialApiFactory.Admin);
        await Factory.GrantAdministratorAsync(SocialApiFactory.Admin);
        return admin;
    }
}
