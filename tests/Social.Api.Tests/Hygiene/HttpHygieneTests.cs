using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Hygiene;

/// <summary>
/// What every response carries (no sniffing, no framing, no referrer), HSTS off unless configured, and <c>/metrics</c>
/// served on its own port only.
/// </summary>
public sealed class HttpHygieneTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryResponse_NoSniffing_NoFraming_NoReferrer()
    {
        var (user, _) = await api.SignUpAsync("headers");
        var anonymous = api.CreateClient();
        var responses = new[]
        {
            await anonymous.GetPathAsync("/"),
            await anonymous.GetPathAsync("/app.js"),
            await anonymous.GetPathAsync("/health/live"),
            await anonymous.GetPathAsync("/openapi/v1.json"),
            await anonymous.GetPathAsync("/api/users/nobody_at_all"),
            await anonymous.PostJsonAsync("/api/posts", new { text = "anonymous" }),
            await user.PostJsonAsync("/api/posts", new { text = "with headers" }),
            await user.SendRawAsync(HttpMethod.Post, "/api/posts", "{not json"),
            await anonymous.GetPathAsync("/admin/signin"),
            await anonymous.GetPathAsync("/admin"),
            await anonymous.GetPathAsync("/dashboard/"),
        };

        foreach (var response in responses)
        {
            AssertHardened(response);
        }
    }

    [Fact]
    public async Task AdminPageAndDashboard_SignedIn_MayNotBeFramed()
    {
        await api.AdminAsync();
        var browser = AdminBrowser.Create(api.CreateClient().BaseAddress!);
        AdminBrowser.AdminCookie(await AdminBrowser.SignInAsync(browser, SocialApiFactory.Admin));

        foreach (var path in new[] { "/admin", "/dashboard/", "/api/admin/stores" })
        {
            var response = await browser.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertHardened(response);
        }
    }

    [Fact]
    public async Task Hsts_OffByDefault_EvenForHttpsThroughTheProxy()
    {
        // Loopback is a trusted proxy by default, so this request counts as HTTPS.
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Host = "social.example";
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await api.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/METRICS")]
    [InlineData("/metrics/")]
    public async Task Metrics_OnTheApiPort_404(string path)
    {
        var response = await api.CreateClient().GetPathAsync(path);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.DoesNotContain("http_server_request_duration", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Metrics_OnTheApiPortWithAHostHeaderNamingTheMetricsPort_404()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Host = $"127.0.0.1:{api.Factory.MetricsPort}";

        var response = await api.CreateClient().SendAsync(request, Ct);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Metrics_OnTheMetricsPort_PrometheusText()
    {
        await api.CreateClient().GetPathAsync("/health/live");

        var response = await api.Factory.CreateMetricsClient().GetPathAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("http_server_request_duration_seconds", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/health/live")]
    [InlineData("/api/users/root_admin")]
    [InlineData("/admin/signin")]
    public async Task MetricsPort_ServesNothingButMetrics(string path)
    {
        var response = await api.Factory.CreateMetricsClient().GetPathAsync(path);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound);
    }

    private static void AssertHardened(HttpResponseMessage response)
    {
        var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} -> {(int)response.StatusCode}";
        Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", $"{what}: X-Content-Type-Options");
        Assert.True(Header(response, "X-Frame-Options") == "DENY", $"{what}: X-Frame-Options");
        Assert.True(Header(response, "Content-Security-Policy")?.Contains("frame-ancestors 'none'", StringComparison.Ordinal) == true,
            $"{what}: Content-Security-Policy '{Header(response, "Content-Security-Policy")}'");
        Assert.True(Header(response, "Referrer-Policy") == "no-referrer", $"{what}: Referrer-Policy");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
