using Social.Abstractions.Diagnostics;

namespace Social.Api.Hosting;

/// <summary>Counts the write requests of the API (social.commands), by route and status code.</summary>
internal sealed class CommandMetricsMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        finally
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) &&
                http.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route } && route.StartsWith("/api/", StringComparison.Ordinal))
            {
                SocialMetrics.Commands.Add(1,
                    new KeyValuePair<string, object?>("route", $"{http.Request.Method} {route}"),
                    new KeyValuePair<string, object?>("status", http.Response.StatusCode));
            }
        }
    }
}
