using Social.Testing;
using Xunit;

namespace Social.Api.Tests.RealTime;

/// <summary>Two real hosts that form one Orleans cluster over one database and one Redis, as two instances behind a load balancer.</summary>
public sealed class TwoInstancesFixture(StoresFixture stores) : IAsyncLifetime
{
    private SocialApiFactory? _first;
    private SocialApiFactory? _second;

    public SocialApiFactory First => _first ?? throw new InvalidOperationException("not started");

    public SocialApiFactory Second => _second ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        var database = await stores.Postgres.CreateDatabaseAsync("api_tests");
        var cluster = new Dictionary<string, string?> { ["Social:Cluster:ClusterId"] = $"two-instances-{Guid.NewGuid():N}" };
        _first = SocialApiFactory.Start(database, stores.Redis.ConnectionString, cluster);
        _second = SocialApiFactory.Start(database, stores.Redis.ConnectionString, cluster);
    }

    public async ValueTask DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        if (_first is not null)
        {
            await _first.DisposeAsync();
        }
    }

    /// <summary>The same user's client on the other instance (the same token).</summary>
    public HttpClient OnSecond(HttpClient client) => Second.CreateClient(client.DefaultRequestHeaders.Authorization!.Parameter!);
}
