using System.Reflection;

namespace Social.Api.AsyncApi;

/// <summary>
/// <c>GET /asyncapi/v1.json</c>: the AsyncAPI 3 document of the feed hub, kept in the repository beside this file. Its
/// payloads reference the OpenAPI document's component schemas, so both describe one shape.
/// </summary>
internal static class AsyncApiDocument
{
    public const string Path = "/asyncapi/v1.json";

    private static readonly Lazy<string> Json = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Social.Api.AsyncApi.asyncapi.json")
            ?? throw new InvalidOperationException("The AsyncAPI document is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static void MapAsyncApi(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, () => TypedResults.Text(Json.Value, "application/json")).AllowAnonymous().ExcludeFromDescription();
}
