using System.Net;
using System.Reflection;
using System.Text.Json;
using Social.Api.RealTime;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.OpenApi;

/// <summary>The AsyncAPI document of the feed hub: every message the hub sends, with payloads that are the OpenAPI document's shapes.</summary>
public sealed class AsyncApiDocumentTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    // Every message the hub sends: the constants of FeedMessages, so that a message added there must be described too.
    public static TheoryData<string> HubMessages => new(typeof(FeedMessages).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(constant => constant.IsLiteral).Select(constant => (string)constant.GetRawConstantValue()!));

    [Fact]
    public async Task Document_IsServedAsAsyncApi3_ForTheFeedHub_WithTheTokenInTheQuery()
    {
        var response = await api.CreateClient().GetPathAsync("/asyncapi/v1.json");

        var document = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("3.0.0", ApiAssert.String(document, "asyncapi"));
        Assert.Equal("/hubs/feed", document.GetProperty("channels").GetProperty("feed").GetProperty("address").GetString());
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("accessToken");
        Assert.Equal(("query", "access_token"), (scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));
        Assert.Contains("since=", ApiAssert.String(document.GetProperty("info"), "description"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HubMessages))]
    public async Task Document_DescribesEveryMessageTheHubSends_WithAReceiveOperation(string message)
    {
        var document = await ApiAssert.JsonAsync(await api.CreateClient().GetPathAsync("/asyncapi/v1.json"), HttpStatusCode.OK);

        Assert.True(document.GetProperty("channels").GetProperty("feed").GetProperty("messages").TryGetProperty(message, out _), $"no {message} in the channel");
        Assert.Equal(message, document.GetProperty("components").GetProperty("messages").GetProperty(message).GetProperty("name").GetString());
        Assert.Contains(document.GetProperty("operations").EnumerateObject(), operation =>
            operation.Value.GetProperty("action").GetString() == "receive"
            && operation.Value.GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("$ref").GetString() == $"#/channels/feed/messages/{message}"));
    }

    [Fact]
    public async Task Payloads_ReferenceSchemasThatTheOpenApiDocumentHas()
    {
        var client = api.CreateClient();
        var document = await ApiAssert.JsonAsync(await client.GetPathAsync("/asyncapi/v1.json"), HttpStatusCode.OK);
        var schemas = (await ApiAssert.JsonAsync(await client.GetPathAsync("/openapi/v1.json"), HttpStatusCode.OK))
            .GetProperty("components").GetProperty("schemas");

        var references = document.GetProperty("components").GetProperty("messages").EnumerateObject()
            .Where(m => m.Value.TryGetProperty("payload", out var payload) && payload.TryGetProperty("$ref", out _))
            .Select(m => m.Value.GetProperty("payload").GetProperty("$ref").GetString()!)
            .ToList();

        Assert.Equal(3, references.Count);
        foreach (var reference in references)
        {
            const string prefix = "../openapi/v1.json#/components/schemas/";
            Assert.StartsWith(prefix, reference, StringComparison.Ordinal);
            Assert.True(schemas.TryGetProperty(reference[prefix.Length..], out var schema), $"{reference} is not in the OpenAPI document");
            Assert.Equal(JsonValueKind.Object, schema.GetProperty("properties").ValueKind);
        }
    }
}
