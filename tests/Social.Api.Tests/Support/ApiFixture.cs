using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Support;

/// <summary>One started host for a whole test class (<c>IClassFixture&lt;ApiFixture&gt;</c>).</summary>
public class ApiFixture(StoresFixture stores) : IAsyncLifetime
{
    private SocialApiFactory? _factory;
    private Task<HttpClient>? _admin;

    public SocialApiFactory Factory => _factory ?? throw new InvalidOperationException("not started");

    /// <summary>Settings on top of the factory's defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public HttpClient CreateClient() => Factory.CreateClient();

    /// <summary>Registers a user with a unique handle made from <paramref name="prefix"/>; returns their client and handle.</summary>
    public async Task<(HttpClient Client, string Handle)> SignUpAsync(string prefix = "user")
    {
        var handle = Handles.Unique(prefix);
        return (await Factory.SignUpAsync(handle), handle);
    }

    /// <summary>A client of the configured administrator, registered on first use.</summary>
    public Task<HttpClient> AdminAsync() => _admin ??= Factory.SignUpAsync(SocialApiFactory.Admin);

    public async ValueTask InitializeAsync() => _factory = await SocialApiFactory.StartAsync(stores, Settings);

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
