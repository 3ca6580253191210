using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Social.Testing;

namespace Social.Api.Tests;

/// <summary>
/// The real host (Kestrel on a free loopback port, the Orleans silo with PostgreSQL membership) over a database of
/// its own in the shared test PostgreSQL server.
/// </summary>
public sealed class SocialApiFactory(string postgres, string redis, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public const string Admin = "root_admin";

    public static async Task<SocialApiFactory> StartAsync(StoresFixture stores, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new SocialApiFactory(await stores.Postgres.CreateDatabaseAsync("api"), stores.Redis.ConnectionString, settings);
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = postgres,
            ["ConnectionStrings:Redis"] = redis,
            ["Social:Jwt:SigningKey"] = "test-signing-key-that-is-long-enough-for-hmac-sha256",
            ["Social:Admins:0"] = Admin,
            ["Social:RateLimit:WritesPerWindow"] = "10000",
            ["Social:Cluster:ClusterId"] = $"api-tests-{Guid.NewGuid():N}",
            ["Social:Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Social:Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.UseEnvironment("Production");
        // Settings rather than app configuration: Program reads some of them before the host is built.
        foreach (var (key, value) in values)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Registers a user and returns a client that sends their token.</summary>
    public async Task<HttpClient> SignUpAsync(string handle, string password = "correct horse battery")
    {
        var client = CreateClient();
        var registered = await client.PostAsJsonAsync("/api/users", new { handle, displayName = handle.ToUpperInvariant(), password });
        registered.EnsureSuccessStatusCode();
        var token = await client.PostAsJsonAsync("/api/auth/token", new { handle, password });
        token.EnsureSuccessStatusCode();
        var body = await token.Content.ReadFromJsonAsync<TokenBody>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body!.AccessToken);
        return client;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record TokenBody(string AccessToken, int ExpiresIn);
}
