using System.Diagnostics;
using Social.Abstractions.Commands;
using Social.Api.Idempotency;

namespace Social.Api.Hosting;

/// <summary>Puts the request's correlation id, idempotency key and caller into the context the grain calls carry.</summary>
internal sealed class CommandContextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        CommandContext.Set(
            correlationId: Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier,
            idempotencyKey: http.Request.Headers[IdempotencyMiddleware.HeaderName] is [{ Length: > 0 } key] ? key : null,
            userId: http.User.Identity?.Name);
        return next(http);
    }
}
