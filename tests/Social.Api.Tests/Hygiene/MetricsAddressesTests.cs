using Social.Api.Hosting;
using Xunit;

namespace Social.Api.Tests.Hygiene;

/// <summary>Where the metrics port listens, given the API's addresses (ASPNETCORE_URLS and the like).</summary>
public sealed class MetricsAddressesTests
{
    [Theory]
    [InlineData("http://+:8080", "http://+:9464 http://+:8080")]
    [InlineData("http://*:8080", "http://+:9464 http://*:8080")]
    [InlineData("http://0.0.0.0:8080;http://[::]:8080", "http://+:9464 http://0.0.0.0:8080 http://[::]:8080")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:9464 http://127.0.0.1:5000")]
    [InlineData("http://127.0.0.1:0", "http://127.0.0.1:9464 http://127.0.0.1:0")]
    [InlineData("http://localhost:5000;http://127.0.0.1:5001", "http://localhost:9464 http://localhost:5000 http://127.0.0.1:5001")]
    [InlineData("https://10.0.0.5:443;http://10.0.0.5:80", "http://10.0.0.5:9464 https://10.0.0.5:443 http://10.0.0.5:80")]
    [InlineData("", "http://localhost:9464 http://localhost:5000")]
    public void MetricsPort_OnTheApisInterfaces_BeforeTheApisAddresses(string api, string expected)
    {
        var addresses = MetricsPort.WithMetricsAddresses(api.Split(';', StringSplitOptions.RemoveEmptyEntries), 9464);

        Assert.Equal(expected, string.Join(' ', addresses));
    }

    [Fact]
    public void MetricsPort_SameAsTheApis_StopsTheHostWithTheSettingsName()
    {
        var error = Assert.Throws<InvalidOperationException>(() => MetricsPort.WithMetricsAddresses(["http://+:8080"], 8080));

        Assert.Contains("Social:Metrics:Port", error.Message, StringComparison.Ordinal);
    }
}
