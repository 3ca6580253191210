using System.Net;
using System.Text.Json;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Admin;

/// <summary>A host with a Redis of its own: these tests rebuild the read models, which drops every one in that Redis.</summary>
public sealed class RebuildingApiFixture(StoresFixture stores) : ApiFixture(stores)
{
    protected override bool OwnRedis => true;
}

/// <summary>Anonymous, a user and an administrator against every admin route.</summary>
public sealed class AdminAuthorizationTests(RebuildingApiFixture api) : IClassFixture<RebuildingApiFixture>
{
    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/api/admin/projections" },
        { "POST", "/api/admin/projections/rebuild" },
        { "GET", "/api/admin/stores" },
        { "GET", "/api/admin/cluster" },
        { "GET", "/admin" },
        { "GET", "/dashboard" },
        { "GET", "/dashboard/" },
        { "GET", "/dashboard/index.html" },
    };

    // "/dashboard/": HttpClient drops the bearer header when it follows /dashboard's redirect to it.
    public static TheoryData<string> AdministratorPages => ["/api/admin/stores", "/api/admin/cluster", "/admin", "/dashboard/"];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AdminRoute_Anonymous_Returns401(string method, string path)
    {
        var response = await api.CreateClient().SendAsync(new HttpMethod(method), path);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AdminRoute_OrdinaryUser_Returns403(string method, string path)
    {
        var (user, _) = await api.SignUpAsync("plain");

        var response = await user.SendAsync(new HttpMethod(method), path);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(AdministratorPages))]
    public async Task AdminPage_AdministratorWithBearerToken_Returns200(string path)
    {
        var admin = await api.AdminAsync();

        var response = await admin.GetPathAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Stores_Administrator_CountsEventsPerTypeAndRedisKeysPerKind()
    {
        var admin = await api.AdminAsync();
        await admin.CreatePostAsync("counted");

        // The post reaches Redis shortly after its 201 (and a rebuild in this class may be replaying): ask until it has.
        var body = await ApiAssert.JsonAsync(await admin.GetPathAsync("/api/admin/stores"), HttpStatusCode.OK);
        for (var attempt = 0; attempt < 100 && !body.GetProperty("redis").GetProperty("keysByKind").TryGetProperty("post", out _); attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            body = await ApiAssert.JsonAsync(await admin.GetPathAsync("/api/admin/stores"), HttpStatusCode.OK);
        }

        Assert.True(body.GetProperty("eventStore").GetProperty("byType").GetProperty("V1.PostCreated").GetInt64() >= 1);
        Assert.True(body.GetProperty("redis").GetProperty("keys").GetInt64() > 0);
        Assert.True(body.GetProperty("redis").GetProperty("usedMemoryBytes").GetInt64() > 0);
        Assert.True(body.GetProperty("redis").GetProperty("keysByKind").TryGetProperty("post", out _));
    }

    [Fact]
    public async Task Cluster_Administrator_ListsTheActiveSiloAndGrainTypes()
    {
        var admin = await api.AdminAsync();

        var body = await ApiAssert.JsonAsync(await admin.GetPathAsync("/api/admin/cluster"), HttpStatusCode.OK);

        Assert.Contains(body.GetProperty("silos").EnumerateArray(), silo => silo.GetProperty("status").GetString() == "Active");
        Assert.Contains(body.GetProperty("grains").EnumerateArray(), grain => grain.GetProperty("type").GetString()!.Contains("User", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Projections_Administrator_ReportsEachQueueWithCheckpointAndLag()
    {
        var admin = await api.AdminAsync();
        await admin.CreatePostAsync("something to project");

        var body = await ApiAssert.JsonAsync(await admin.GetPathAsync("/api/admin/projections"), HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Object, body.GetProperty("head").ValueKind);
        var queues = body.GetProperty("projections").EnumerateArray().ToList();
        Assert.NotEmpty(queues);
        Assert.All(queues, queue =>
        {
            Assert.False(string.IsNullOrEmpty(queue.GetProperty("checkpoint").GetString()));
            Assert.True(queue.GetProperty("lagEvents").GetInt64() >= 0);
            Assert.True(queue.GetProperty("lagSeconds").GetDouble() >= 0);
        });
        Assert.Equal(JsonValueKind.Object, body.GetProperty("rebuild").ValueKind);
    }

    [Fact]
    public async Task Rebuild_Administrator_Returns202AndCompletes()
    {
        var admin = await api.AdminAsync();
        var response = await admin.SendAsync(HttpMethod.Post, "/api/admin/projections/rebuild");

        var status = await ApiAssert.JsonAsync(response, HttpStatusCode.Accepted);
        Assert.Contains(status.GetProperty("state").GetString(), new[] { "running", "completed" });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? state;
        do
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            var report = await ApiAssert.JsonAsync(await admin.GetPathAsync("/api/admin/projections"), HttpStatusCode.OK);
            state = report.GetProperty("rebuild").GetProperty("state").GetString();
        }
        while (state == "running" && DateTime.UtcNow < deadline);

        Assert.Equal("completed", state);
    }
}
