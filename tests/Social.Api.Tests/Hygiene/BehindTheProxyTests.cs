using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Hygiene;

/// <summary>
/// A host behind one trusted proxy (127.0.0.2, standing for the load balancer), with HSTS on and three writes per
/// client per hour; every other address is a client that reaches the host directly.
/// </summary>
public sealed class BehindTheProxyFixture(StoresFixture stores) : ApiFixture(stores)
{
    public const int WritesPerWindow = 3;

    public static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.2");

    private int _lastDirect;
    private int _lastForwarded;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Social:ForwardedHeaders:KnownProxies:0"] = Proxy.ToString(),
        ["Social:Https:Hsts"] = "true",
        ["Social:RateLimit:WritesPerWindow"] = WritesPerWindow.ToString(CultureInfo.InvariantCulture),
        ["Social:RateLimit:Window"] = "01:00:00",
    };

    /// <summary>A loopback address no other test connects from, and that is not a trusted proxy.</summary>
    public IPAddress NewDirectAddress() => IPAddress.Parse($"127.0.3.{Interlocked.Increment(ref _lastDirect)}");

    /// <summary>A client address, as the proxy would report it, that no other test uses (documentation range; no traffic goes there).</summary>
    public string NewForwardedAddress() => $"198.51.100.{Interlocked.Increment(ref _lastForwarded)}";

    public Uri Server => CreateClient().BaseAddress!;
}

public sealed class BehindTheProxyTests(BehindTheProxyFixture api) : IClassFixture<BehindTheProxyFixture>
{
    private const int Limit = BehindTheProxyFixture.WritesPerWindow;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ForwardedFor_FromTheTrustedProxy_EachClientHasAWriteAllowanceOfItsOwn()
    {
        var proxy = api.Factory.CreateClientFrom(BehindTheProxyFixture.Proxy);
        var (first, second) = (api.NewForwardedAddress(), api.NewForwardedAddress());
        for (var i = 0; i < Limit; i++)
        {
            await ApiAssert.JsonAsync(await RegisterAsync(proxy, first), HttpStatusCode.Created);
        }

        await ApiAssert.ProblemAsync(await RegisterAsync(proxy, first), HttpStatusCode.TooManyRequests);

        await ApiAssert.JsonAsync(await RegisterAsync(proxy, second), HttpStatusCode.Created);
    }

    [Fact]
    public async Task ForwardedFor_FromAClientThatIsNoProxy_IsIgnored()
    {
        var direct = api.Factory.CreateClientFrom(api.NewDirectAddress());
        for (var i = 0; i < Limit; i++)
        {
            await ApiAssert.JsonAsync(await RegisterAsync(direct, api.NewForwardedAddress()), HttpStatusCode.Created);
        }

        // Another address in every request, and still one allowance: the connection's.
        await ApiAssert.ProblemAsync(await RegisterAsync(direct, api.NewForwardedAddress()), HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task AdminCookie_HttpsThroughTheProxy_Secure_ButNotForADirectClientClaimingHttps()
    {
        await api.AdminAsync();
        var viaProxy = AdminBrowser.Create(api.Server, handler: SocialApiFactory.HandlerFrom(BehindTheProxyFixture.Proxy));
        viaProxy.DefaultRequestHeaders.Add("X-Forwarded-For", api.NewForwardedAddress());
        viaProxy.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var direct = AdminBrowser.Create(api.Server, handler: SocialApiFactory.HandlerFrom(api.NewDirectAddress()));
        direct.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        var proxied = AdminBrowser.AdminCookie(await AdminBrowser.SignInAsync(viaProxy, SocialApiFactory.Admin));
        var claimed = AdminBrowser.AdminCookie(await AdminBrowser.SignInAsync(direct, SocialApiFactory.Admin));

        Assert.True(IsSecure(proxied), proxied);
        Assert.False(IsSecure(claimed), claimed);
    }

    [Fact]
    public async Task Hsts_WhenOn_HttpsRequestsThroughTheProxyCarryIt_PlainOnesAndDirectClaimsNot()
    {
        var proxy = api.Factory.CreateClientFrom(BehindTheProxyFixture.Proxy);
        var direct = api.Factory.CreateClientFrom(api.NewDirectAddress());

        var https = await HealthAsync(proxy, "https");
        var plain = await HealthAsync(proxy, "http");
        var claimed = await HealthAsync(direct, "https");

        Assert.Equal("max-age=31536000", string.Join(", ", https.Headers.GetValues("Strict-Transport-Security")));
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        Assert.False(claimed.Headers.Contains("Strict-Transport-Security"));
    }

    // An anonymous write: limited per client address.
    private static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = JsonContent.Create(new { handle = Handles.Unique("fwd"), displayName = "Forwarded", password = SocialApiFactory.DefaultPassword }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request, Ct);
    }

    // A site name, since HSTS is never sent for localhost or loopback addresses.
    private static async Task<HttpResponseMessage> HealthAsync(HttpClient client, string scheme)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Host = "social.example";
        request.Headers.Add("X-Forwarded-Proto", scheme);
        var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static bool IsSecure(string setCookie) =>
        setCookie.Split(';').Skip(1).Any(attribute => attribute.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase));
}
