using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Social.Abstractions.Commands;
using Social.Abstractions.EventStore;
using Social.Domain.Errors;
using Social.Infrastructure.ReadModels;
using StackExchange.Redis;

namespace Social.Api.Errors;

/// <summary>
/// The one place where exceptions become problem details: domain errors keep their meaning, bad requests say
/// what was wrong with them, an unreachable store or silo is a 503 to retry, and nothing else ever shows a stack trace.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Whether the exception means "retry shortly" (a 503), as opposed to a fault of the request or of the code.</summary>
    public static bool IsTransient(Exception exception) => ToProblem(exception, http: null).Status == StatusCodes.Status503ServiceUnavailable;

    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ToProblem(exception, http);
        // Shedding load is the instance working as designed, and logging each refusal would add to the load.
        if (problem.Status >= 500 && exception is not OverloadedException)
        {
            logger.LogError(exception, "Request {Method} {Path} failed: {Title}", http.Request.Method, http.Request.Path, problem.Title);
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            var retryAfter = exception is OverloadedException overloaded ? (int)Math.Ceiling(overloaded.RetryAfter.TotalSeconds) : RetryAfterSeconds;
            http.Response.Headers.RetryAfter = Math.Max(1, retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        http.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails ToProblem(Exception exception, HttpContext? http) => exception switch
    {
        ValidationException validation => new HttpValidationProblemDetails(validation.Errors.ToDictionary())
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = validation.Message,
        },
        NotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Not found.", notFound.Message),
        ForbiddenException forbidden => Problem(StatusCodes.Status403Forbidden, "Not allowed.", forbidden.Message),
        ConflictException conflict => Problem(StatusCodes.Status409Conflict, "Conflict.", conflict.Message),
        BadHttpRequestException { InnerException: JsonException json } => BadJson(json),
        BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } unbound when FrameworkParameter().Match(unbound.Message) is { Success: true } parameter =>
            Unbound(unbound.Message, parameter.Groups["name"].Value, http),
        BadHttpRequestException badRequest => Problem(badRequest.StatusCode, "The request is not valid.", badRequest.Message),
        StoreUnavailableException unavailable => Problem(
            StatusCodes.Status503ServiceUnavailable, "A backing store is unavailable.", $"{unavailable.Store} cannot be reached; nothing was changed. Retry shortly."),
        // A Redis call made outside the read models' wrapper (presence, the admin figures) meeting a server that cannot serve now.
        RedisServerException redis when RedisCalls.IsUnavailableReply(redis) => Problem(
            StatusCodes.Status503ServiceUnavailable, "A backing store is unavailable.", "Redis cannot serve just now; nothing was changed. Retry shortly."),
        OverloadedException overloaded => Problem(
            StatusCodes.Status503ServiceUnavailable, "The service is busy.", $"{overloaded.Message} Nothing was changed."),
        // A call to a grain on a silo that has just died fails until the cluster declares it dead and moves the grain.
        OrleansMessageRejectionException => Problem(
            StatusCodes.Status503ServiceUnavailable, "An instance is unavailable.", "Part of the cluster is recovering from a failed instance; retry shortly."),
        TimeoutException or OperationCanceledException => Problem(
            StatusCodes.Status503ServiceUnavailable, "The service is busy.", "The request did not complete in time; retry shortly."),
        _ => Problem(StatusCodes.Status500InternalServerError, "An unexpected error occurred.", "The error was logged; retry later."),
    };

    private static ProblemDetails BadJson(JsonException json)
    {
        var field = json.Path is { Length: > 2 } path ? JsonNamingPolicy.CamelCase.ConvertName(path.TrimStart('$', '.')) : "body";
        return new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [field] = [field == "body" ? "The body is not valid JSON." : $"'{field}' has the wrong type or is malformed."],
        })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = "The body could not be read as the expected JSON.",
        };
    }

    // The framework's own words for a parameter it could not bind name the handler's parameter, its .NET type and the
    // raw value ("Failed to bind parameter \"Nullable<int> limit\" from \"1e9\"", "Implicit body inferred for parameter
    // \"request\" but no body was provided. Did you mean to use a Service instead?"): a glimpse of the code, and no help
    // to a client. The client is told in plain words what to send instead.
    private static HttpValidationProblemDetails Unbound(string message, string parameter, HttpContext? http)
    {
        var isBody = message.StartsWith("Implicit body", StringComparison.Ordinal) || message.EndsWith(" from body.", StringComparison.Ordinal);
        var (field, text) = !isBody
            ? (parameter, $"{parameter} is missing or not in the expected format.")
            // No body at all, or the JSON literal null.
            : ("body", http?.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true
                ? "The body must be a JSON object."
                : "A JSON body is required.");
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [text] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = text,
        };
    }

    // 'parameter "name"' or 'parameter "Type name"', as the framework's binding messages quote a parameter.
    [GeneratedRegex("parameter \"(?:[^\"]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex FrameworkParameter();

    private static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };
}
