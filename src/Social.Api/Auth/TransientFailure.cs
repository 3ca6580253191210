using Social.Api.Errors;

namespace Social.Api.Auth;

/// <summary>An authentication that failed because a grain or store was unreachable: answered as the 503 it is.</summary>
internal static class TransientFailure
{
    public static bool Is(Exception failure) => ProblemExceptionHandler.IsTransient(failure);

    public static async Task WriteAsync(HttpContext http, Exception failure)
    {
        var handler = ActivatorUtilities.CreateInstance<ProblemExceptionHandler>(http.RequestServices);
        await handler.TryHandleAsync(http, failure, http.RequestAborted);
    }
}
