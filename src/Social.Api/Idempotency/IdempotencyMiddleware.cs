using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Social.Api.Admission;
using Social.Abstractions.Commands;
using Social.Abstractions.EventStore;
using Social.Abstractions.Idempotency;
using Social.Api.RateLimiting;

namespace Social.Api.Idempotency;

/// <summary>
/// Makes writes with an <c>Idempotency-Key</c> safe to retry: the first request with a key claims it in the shared
/// store together with the id it will create; the command's append marks the key with the write it made, in the same
/// transaction; then the response is recorded. A retry with the same key from the same caller gets that response back
/// and writes nothing. A retry whose first run committed but whose response was lost (a crash in between) runs again
/// in replay mode: the grain sees that its stream already holds the write and answers from it without writing. A retry
/// whose first run never committed runs the command again, with the same reserved id.
/// </summary>
internal sealed partial class IdempotencyMiddleware(RequestDelegate next, IIdempotencyStore store, ILogger<IdempotencyMiddleware> logger)
{
    public const string HeaderName = "Idempotency-Key";
    private const int MaxKeyLength = 200;

    public async Task InvokeAsync(HttpContext http, IProblemDetailsService problems)
    {
        if (!IsCommand(http) || http.Request.Headers[HeaderName] is not [{ Length: > 0 } key])
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
        var claim = await store.ClaimAsync(caller, key, fingerprint, ReservedEntityId.NewId(), http.RequestAborted);
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

        http.Features.Set(new ReservedEntityId(claim.ReservedId, IsFresh: claim.IsFirst));
        CommandContext.SetIdempotency(caller, claim.Committed);
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
            await RecordAsync(http, caller, key, buffer);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    }

    /// <summary>
    /// Records the response for replay. If that fails, the client still gets the true outcome: the write's own mark on
    /// the key lets a retry answer from the write instead of repeating it.
    /// </summary>
    private async Task RecordAsync(HttpContext http, string caller, string key, MemoryStream buffer)
    {
        try
        {
            await store.CompleteAsync(caller, key, new StoredResponse(
                http.Response.StatusCode,
                http.Response.ContentType,
                buffer.Length > 0 ? System.Text.Encoding.UTF8.GetString(buffer.ToArray()) : null,
                http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null), CancellationToken.None);
        }
        catch (StoreUnavailableException e)
        {
            LogNotRecorded(e, http.Request.Method, http.Request.Path);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The response to {Method} {Path} under an Idempotency-Key was not recorded; a retry will answer from the committed write.")]
    private partial void LogNotRecorded(Exception exception, string method, string path);

    // A write endpoint the request was routed to (an unknown path claims nothing) whose caller has passed the write rate
    // limit, which runs before this: so keys are bounded per user and per address, and each stands for a real command.
    // Signing in is not one: it has a rate limit of its own, and creates nothing to replay.
    private static bool IsCommand(HttpContext http) =>
        ApiWrites.Is(http.Request)
        && http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == WriteRateLimiting.WritesPolicy;

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
