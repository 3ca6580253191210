using Microsoft.AspNetCore.Http.Features;

namespace Social.Api.Errors;

/// <summary>Gives every problem response a detail a person can act on, the framework's own 401, 404 and 415 included.</summary>
internal static class ProblemDefaults
{
    public static void AddSocialProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Detail ??= problem.Status switch
            {
                StatusCodes.Status401Unauthorized => "Send a valid bearer token in the Authorization header; POST /api/auth/token issues one.",
                StatusCodes.Status403Forbidden => "Your account is not allowed to do this.",
                StatusCodes.Status404NotFound => "There is nothing at this address.",
                StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not allowed here.",
                StatusCodes.Status413PayloadTooLarge =>
                    $"Send at most {context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes.",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with Content-Type: application/json.",
                _ => null,
            };
            problem.Extensions["traceId"] = context.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity.TraceId.ToString()
                ?? context.HttpContext.TraceIdentifier;
        });
}
