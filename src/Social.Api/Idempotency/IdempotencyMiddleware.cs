using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Social.Abstractions.Idempotency;

namespace Social.Api.Idempotency;

/// <summary>
/// Makes writes with an <c>Idempotency-Key</c> safe to retry: the first request with a key claims it in the shared
/// store together with the id it will create, and its response is recorded; a retry with the same key from the same
/// caller gets that response back and writes nothing. A retry after a crash, before a response was recorded, runs
/// again with the same reserved id, and the grains treat the repeated command as already done.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next, IIdempotencyStore store)
{
    public const string HeaderName = "Idempotency-Key";
    private const int MaxKeyLength = 200;

    public async Task InvokeAsync(HttpContext http, IProblemDetailsService problems)
    {
        if (!IsWrite(http.Request) || http.Request.Headers[HeaderName] is not [{ Length: > 0 } key])
        {
            await next(http);
            return;
        }

        if (key.Length > MaxKeyLength)
        {
            await WriteProblemAsync(http, problems, StatusCodes.Status400BadRequest, $"{HeaderName} must be at most {MaxKeyLength} characters.");
            return;
        }

        var fingerprint = await FingerprintAsync(http.Request);
        // Before sign-in there is no caller to scope a key to; the request itself is, so only the same request replays.
        var caller = http.User.Identity?.Name ?? $"anonymous:{fingerprint}";
        var claim = await store.ClaimAsync(caller, key, fingerprint, ReservedIds.NewId(), http.RequestAborted);
        if (claim.RequestFingerprint != fingerprint)
        {
            await WriteProblemAsync(http, problems, StatusCodes.Status400BadRequest,
                $"This {HeaderName} was already used for a different request; use a new key for a new request.");
            return;
        }

        if (claim.Response is { } stored)
        {
            await ReplayAsync(http, stored);
            return;
        }

        http.Features.Set(new ReservedIds(claim.ReservedId));
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }

        if (IsFinal(http.Response.StatusCode))
        {
            await store.CompleteAsync(caller, key, new StoredResponse(
                http.Response.StatusCode,
                http.Response.ContentType,
                buffer.Length > 0 ? System.Text.Encoding.UTF8.GetString(buffer.ToArray()) : null,
                http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null), CancellationToken.None);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    }

    private static bool IsWrite(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsDelete(request.Method))
        && request.Path.StartsWithSegments("/api")
        && !request.Path.StartsWithSegments("/api/auth");

    // Outcomes that a retry should not simply repeat: not signed in, rate limited, or a failure to try again.
    private static bool IsFinal(int status) =>
        status is < 500 and not StatusCodes.Status401Unauthorized and not StatusCodes.Status408RequestTimeout and not StatusCodes.Status429TooManyRequests;

    private static async Task<string> FingerprintAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n"));
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            hash.AppendData(chunk, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static async Task ReplayAsync(HttpContext http, StoredResponse stored)
    {
        http.Response.StatusCode = stored.StatusCode;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (stored.Location is not null)
        {
            http.Response.Headers.Location = stored.Location;
        }

        if (stored.Body is not null)
        {
            http.Response.ContentType = stored.ContentType;
            await http.Response.WriteAsync(stored.Body, http.RequestAborted);
        }
    }

    private static Task WriteProblemAsync(HttpContext http, IProblemDetailsService problems, int status, string detail)
    {
        http.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = "The request is not valid.", Detail = detail },
        }).AsTask();
    }
}
