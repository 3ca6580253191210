using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Operations;

public sealed class HealthTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Live_Returns200WithoutCredentials()
    {
        var response = await api.CreateClient().GetPathAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_AllStoresAndTheClusterUp_Returns200WithEachCheckHealthy()
    {
        var body = await ApiAssert.JsonAsync(await api.CreateClient().GetPathAsync("/health/ready"), HttpStatusCode.OK);

        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        foreach (var check in new[] { "postgres", "redis", "cluster" })
        {
            Assert.Equal("Healthy", body.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());
        }
    }
}
