using System.Net;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Hygiene;

/// <summary>
/// The metrics port of a real Social.Api process whose address comes from <c>ASPNETCORE_URLS</c>, as in the
/// Dockerfile and the Kubernetes ConfigMap (the test host of the other tests sets its address another way).
/// </summary>
public sealed class MetricsPortProcessTests(StoresFixture stores)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProcessWithAspNetCoreUrls_ServesTheApiThere_AndMetricsOnlyOnTheMetricsPort()
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = await stores.Postgres.CreateDatabaseAsync("metrics_port"),
            ["ConnectionStrings__Redis"] = stores.Redis.ConnectionString,
            ["Social__Jwt__SigningKey"] = SocialApiFactory.SigningKey,
            ["Social__Cluster__ClusterId"] = $"metrics-port-{Guid.NewGuid():N}",
        };
        await using var host = await HostProcess.StartAsync(settings, cancellationToken: Ct);
        using var api = new HttpClient { BaseAddress = host.Address };
        using var metrics = new HttpClient { BaseAddress = host.MetricsAddress };

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/health/live", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/metrics", Ct)).StatusCode);
        var scraped = await metrics.GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", await scraped.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await metrics.GetAsync("/health/live", Ct)).StatusCode);
    }
}
