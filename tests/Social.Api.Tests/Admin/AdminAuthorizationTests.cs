using System.Net;
using System.Text.Json;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Admin;

/// <summary>Anonymous, a user and an administrator against every admin route.</summary>
public sealed class AdminAuthorizationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/api/admin/projections" },
        { "POST", "/api/admin/projections/rebuild" },
    };

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
