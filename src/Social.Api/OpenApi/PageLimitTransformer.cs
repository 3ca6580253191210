using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Social.Abstractions.ReadModels;

namespace Social.Api.OpenApi;

/// <summary>
/// Describes <c>?limit=</c> of the list endpoints as what it is, a whole number from 1 to 100 (20 if absent). The
/// handlers take it as text and read it themselves (<c>PageQuery</c>), so the generated schema would say "string".
/// </summary>
internal sealed class PageLimitTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter is { Name: "limit", In: ParameterLocation.Query })
            {
                parameter.Description = $"How many items to return: 1 to {PageRequest.MaxLimit}, {PageRequest.DefaultLimit} if absent.";
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = "1",
                    Maximum = PageRequest.MaxLimit.ToString(CultureInfo.InvariantCulture),
                    Default = JsonValue.Create(PageRequest.DefaultLimit),
                };
            }
        }

        return Task.CompletedTask;
    }
}
