using System.Net;
using System.Text.RegularExpressions;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Operations;

/// <summary>
/// The load balancer of docker-compose.yml (<c>deploy/nginx.conf</c>), run from the system's nginx in front of a real
/// host: requests pass through, and a request that neither nginx nor Kestrel can parse (an encoded NUL in the path,
/// which Kestrel refuses with an empty body before any middleware runs) gets problem details in plain words.
/// </summary>
public sealed partial class LoadBalancerTests(ApiFixture api) : IClassFixture<ApiFixture>, IAsyncLifetime
{
    private NginxServer? _nginx;

    private HttpClient Client => new() { BaseAddress = new Uri($"http://127.0.0.1:{_nginx!.Port}") };

    public async ValueTask InitializeAsync()
    {
        var host = api.CreateClient().BaseAddress!;
        var config = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "nginx.conf"), TestContext.Current.CancellationToken);
        // The compose file's three instances become this test's host, and nginx listens on a free loopback port.
        config = Upstream().Replace(config, $"upstream social {{\n    server 127.0.0.1:{host.Port};\n}}");
        config = config.Replace("listen 80;", "listen 127.0.0.1:{port};", StringComparison.Ordinal);
        _nginx = await NginxServer.StartAsync(config);
    }

    public async ValueTask DisposeAsync()
    {
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/api/users/%00abc")]
    [InlineData("/api/posts/%00%00")]
    public async Task PathWithAnEncodedNul_IsAProblemInPlainWords(string path)
    {
        var response = await Client.GetAsync(path, TestContext.Current.CancellationToken);

        await ApiAssert.PlainProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Requests_PassThrough_AndTheApisOwn400sAreItsOwn()
    {
        var (client, _) = await api.SignUpAsync("proxied");
        using var proxied = Client;
        proxied.DefaultRequestHeaders.Authorization = client.DefaultRequestHeaders.Authorization;

        await ApiAssert.JsonAsync(await proxied.GetPathAsync("/api/timelines/home"), HttpStatusCode.OK);
        await ApiAssert.ValidationProblemAsync(await proxied.GetPathAsync("/api/timelines/home?limit=abc"), "limit");
        Assert.Equal(HttpStatusCode.NotFound, (await proxied.GetPathAsync("/metrics")).StatusCode);
    }

    [GeneratedRegex(@"upstream social \{[^}]*\}")]
    private static partial Regex Upstream();
}
