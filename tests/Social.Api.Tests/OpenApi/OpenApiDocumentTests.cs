using System.Net;
using System.Text.Json;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.OpenApi;

public sealed class OpenApiDocumentTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    // Every route of API.md, and the admin API behind the admin page, with the path template exactly as written there.
    public static TheoryData<string, string> ImplementedRoutes => new()
    {
        { "post", "/api/users" },
        { "post", "/api/auth/token" },
        { "get", "/api/users/{handle}" },
        { "patch", "/api/users/me" },
        { "put", "/api/users/me/following/{handle}" },
        { "delete", "/api/users/me/following/{handle}" },
        { "post", "/api/posts" },
        { "get", "/api/posts/{id}" },
        { "delete", "/api/posts/{id}" },
        { "post", "/api/posts/{id}/comments" },
        { "delete", "/api/posts/{id}/comments/{commentId}" },
        { "put", "/api/posts/{id}/like" },
        { "delete", "/api/posts/{id}/like" },
        { "get", "/api/posts/{id}/comments" },
        { "get", "/api/timelines/home" },
        { "get", "/api/users/{handle}/posts" },
        { "get", "/api/users/{handle}/followers" },
        { "get", "/api/users/{handle}/following" },
        { "put", "/api/users/me/password" },
        { "delete", "/api/users/me" },
        { "get", "/api/notifications" },
        { "get", "/api/notifications/unread" },
        { "put", "/api/notifications/marker" },
        { "get", "/api/tags/{tag}/posts" },
        { "put", "/api/users/me/blocks/{handle}" },
        { "delete", "/api/users/me/blocks/{handle}" },
        { "get", "/api/users/me/blocks" },
        { "put", "/api/users/me/mutes/{handle}" },
        { "delete", "/api/users/me/mutes/{handle}" },
        { "get", "/api/users/me/mutes" },
        { "get", "/health/live" },
        { "get", "/health/ready" },
        { "post", "/api/admin/projections/rebuild" },
        { "get", "/api/admin/projections" },
        { "get", "/api/admin/stores" },
        { "get", "/api/admin/cluster" },
    };

    [Fact]
    public async Task Document_Get_Returns200Json()
    {
        var document = await ApiAssert.JsonAsync(await api.CreateClient().GetPathAsync("/openapi/v1.json"), HttpStatusCode.OK);

        Assert.StartsWith("3.", ApiAssert.String(document, "openapi"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, ApiAssert.Property(document, "paths").ValueKind);
    }

    [Theory]
    [MemberData(nameof(ImplementedRoutes))]
    public async Task Document_ImplementedRoute_IsDescribedWithItsExactTemplate(string method, string path)
    {
        var document = await ApiAssert.JsonAsync(await api.CreateClient().GetPathAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var paths = ApiAssert.Property(document, "paths");

        Assert.True(paths.TryGetProperty(path, out var item),
            $"'{path}' is not in the document's paths: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        Assert.True(item.TryGetProperty(method, out var operation), $"'{path}' has no '{method}' operation: {item}");
        Assert.True(operation.TryGetProperty("responses", out _), $"{method} {path} describes no responses");
    }

    // API.md: lists page with ?limit=, default 20, at most 100.
    [Theory]
    [InlineData("/api/timelines/home")]
    [InlineData("/api/users/{handle}/posts")]
    [InlineData("/api/users/{handle}/followers")]
    [InlineData("/api/users/{handle}/following")]
    [InlineData("/api/posts/{id}/comments")]
    [InlineData("/api/notifications")]
    [InlineData("/api/tags/{tag}/posts")]
    [InlineData("/api/users/me/blocks")]
    [InlineData("/api/users/me/mutes")]
    public async Task Document_ListLimit_IsAnIntegerFrom1To100(string path)
    {
        var document = await ApiAssert.JsonAsync(await api.CreateClient().GetPathAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var operation = ApiAssert.Property(ApiAssert.Property(ApiAssert.Property(document, "paths"), path), "get");

        var limit = Assert.Single(ApiAssert.Property(operation, "parameters").EnumerateArray(), p => ApiAssert.String(p, "name") == "limit");

        Assert.Equal("query", ApiAssert.String(limit, "in"));
        var schema = ApiAssert.Property(limit, "schema");
        Assert.True(schema.ToString().Contains("\"integer\"", StringComparison.Ordinal), $"limit is not an integer: {schema}");
        Assert.Equal(1, ApiAssert.Count(schema, "minimum"));
        Assert.Equal(100, ApiAssert.Count(schema, "maximum"));
        Assert.Equal(20, ApiAssert.Count(schema, "default"));
    }

    [Fact]
    public async Task Document_Paths_HaveNoTrailingSlashes()
    {
        var document = await ApiAssert.JsonAsync(await api.CreateClient().GetPathAsync("/openapi/v1.json"), HttpStatusCode.OK);

        Assert.All(ApiAssert.Property(document, "paths").EnumerateObject(), path => Assert.True(path.Name == "/" || !path.Name.EndsWith('/'), path.Name));
    }
}
