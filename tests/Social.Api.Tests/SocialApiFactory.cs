using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Social.Abstractions.EventStore;
using Social.Api.Admin;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Xunit;

namespace Social.Api.Tests;

/// <summary>
/// The real host (Kestrel on a free loopback port, the Orleans silo with PostgreSQL membership) over a database of
/// its own in the shared test PostgreSQL server.
/// </summary>
public sealed class SocialApiFactory(
    string postgres, string redis, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public const string Admin = "root_admin";
    public const string SigningKey = "test-signing-key-that-is-long-enough-for-hmac-sha256";
    public const string DefaultPassword = "correct horse battery";

    /// <summary>The connection string of this host's own database.</summary>
    public string ConnectionString => postgres;

    /// <summary>The port this host serves <c>/metrics</c> on (a free one, unless the settings name it), beside the API's.</summary>
    public int MetricsPort { get; } = settings?.TryGetValue("Social:Metrics:Port", out var port) == true && port is not null
        ? int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)
        : FreePort();

    /// <summary>A host over the given database and Redis.</summary>
    /// <param name="postgres">The host's own database.</param>
    /// <param name="redis">The Redis of its read models.</param>
    /// <param name="settings">Settings on top of the defaults.</param>
    /// <param name="services">Changes to the host's services after its own registrations: fault injection around a real store.</param>
    public static SocialApiFactory Start(
        string postgres, string redis, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var factory = new SocialApiFactory(postgres, redis, settings, services);
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
            ["Social:Jwt:SigningKey"] = SigningKey,
            ["Social:RateLimit:WritesPerWindow"] = "10000",
            ["Social:RateLimit:AnonymousReadsPerWindow"] = "1000000",
            // Every client of a test host connects from 127.0.0.1; a class that tests the per-address allowance sets its own.
            ["Social:SignIn:AttemptsPerAddress"] = "10000",
            ["Social:Cluster:ClusterId"] = $"api-tests-{Guid.NewGuid():N}",
            ["Social:Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Social:Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Social:Metrics:Port"] = MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.UseEnvironment("Production");
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }

        // Settings rather than app configuration: Program reads some of them before the host is built.
        foreach (var (key, value) in values)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Registers a user and returns a client that sends their token.</summary>
    public async Task<HttpClient> SignUpAsync(string handle, string password = DefaultPassword) =>
        await SignUpAsync(CreateClient(), handle, password);

    /// <summary>Registers a user with <paramref name="client"/> and makes it send their token from then on.</summary>
    public static async Task<HttpClient> SignUpAsync(HttpClient client, string handle, string password = DefaultPassword)
    {
        var registered = await client.PostAsJsonAsync("/api/users", new { handle, displayName = handle.ToUpperInvariant(), password });
        Assert.True(registered.IsSuccessStatusCode, $"registering {handle}: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
        return await SignInAsync(client, handle, password);
    }

    /// <summary>Signs <paramref name="client"/> in: it sends the token it gets from then on.</summary>
    public static async Task<HttpClient> SignInAsync(HttpClient client, string handle, string password = DefaultPassword)
    {
        var token = await client.PostAsJsonAsync("/api/auth/token", new { handle, password });
        Assert.True(token.IsSuccessStatusCode, $"signing in {handle}: {(int)token.StatusCode} {await token.Content.ReadAsStringAsync()}");
        var body = await token.Content.ReadFromJsonAsync<TokenBody>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body!.AccessToken);
        return client;
    }

    /// <summary>A client that sends <paramref name="token"/> as its bearer token.</summary>
    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client of the metrics port (what Prometheus scrapes), on the API's loopback address.</summary>
    public HttpClient CreateMetricsClient()
    {
        var server = CreateClient().BaseAddress ?? throw new InvalidOperationException("the server has no address");
        return new HttpClient { BaseAddress = new UriBuilder(server) { Port = MetricsPort }.Uri };
    }

    /// <summary>
    /// A client whose connections come from <paramref name="source"/> (any 127.0.0.0/8 address), so that limits kept
    /// per client address can be tested without one test using up another's allowance.
    /// </summary>
    public HttpClient CreateClientFrom(IPAddress source) =>
        new(HandlerFrom(source)) { BaseAddress = CreateClient().BaseAddress ?? throw new InvalidOperationException("the server has no address") };

    /// <summary>A connection handler whose connections come from <paramref name="source"/> (any 127.0.0.0/8 address).</summary>
    public static SocketsHttpHandler HandlerFrom(IPAddress source) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>
    /// Makes a bearer token the way the host does, with the given lifetime and signing key, so that tests can send
    /// tokens that the host never issued: expired ones, ones signed with another key.
    /// </summary>
    public static string MintToken(
        string handle, DateTime? expires = null, string signingKey = SigningKey, string issuer = "social", string audience = "social",
        string algorithm = SecurityAlgorithms.HmacSha256, DateTime? issued = null, int securityStamp = 0)
    {
        var end = expires ?? DateTime.UtcNow.AddHours(1);
        var start = issued ?? end.AddHours(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            // A fresh account's security stamp is 0 (one that never changed its password).
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, handle), new Claim("sst", securityStamp.ToString(), ClaimValueTypes.Integer32)]),
            IssuedAt = start,
            NotBefore = start,
            Expires = end,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), algorithm),
        });
    }

    /// <summary>
    /// How many events the event store holds that were appended on behalf of <paramref name="handle"/>; a rejected
    /// command must leave this unchanged.
    /// </summary>
    public async Task<long> EventsAppendedByAsync(string handle)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM events WHERE metadata->>'userId' = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = handle });
        return (long)(await command.ExecuteScalarAsync() ?? 0L);
    }

    /// <summary>Makes a registered user an administrator, as an operator's <c>Social.Api admin grant</c> does.</summary>
    public async Task GrantAdministratorAsync(string handle)
    {
        var outcome = await AdministratorCommand.ChangeAsync(Services.GetRequiredService<IEventStore>(), handle, grant: true, TimeProvider.System);
        Assert.False(outcome.Refused, outcome.Message);
    }

    /// <summary>How many <c>Idempotency-Key</c>s the host has stored, of every caller.</summary>
    public async Task<long> IdempotencyKeysAsync()
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM idempotency_keys", connection);
        return (long)(await command.ExecuteScalarAsync() ?? 0L);
    }

    /// <summary>How many events the stream holds (a post's stream is <c>post-{id}</c>, a user's <c>user-{handle}</c>).</summary>
    public async Task<long> EventsInStreamAsync(string streamId)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM events WHERE stream_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        return (long)(await command.ExecuteScalarAsync() ?? 0L);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record TokenBody(string AccessToken, int ExpiresIn);
}
