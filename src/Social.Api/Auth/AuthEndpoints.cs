using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Social.Api.RateLimiting;
using Social.Domain.Errors;

namespace Social.Api.Auth;

/// <summary><c>POST /api/auth/token</c>: a handle and password for an access token.</summary>
internal static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");
        auth.MapPost("/token", IssueTokenAsync).RequireRateLimiting(WriteRateLimiting.SignInPolicy)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Exchanges a handle and password for a bearer token.")
            .WithDescription("Attempts are limited per client address, and per handle: after too many wrong passwords for one handle "
                + "(10 within 15 minutes by default) its sign-in answers 429 with Retry-After, the right password included.");
        return auth;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, HttpContext http, Credentials credentials, TokenIssuer tokens, IOptions<SignInOptions> signIn)
    {
        if (string.IsNullOrEmpty(request.Handle) || string.IsNullOrEmpty(request.Password))
        {
            throw new ValidationException(new Dictionary<string, string[]>
            {
                ["handle"] = string.IsNullOrEmpty(request.Handle) ? ["Handle is required."] : [],
                ["password"] = string.IsNullOrEmpty(request.Password) ? ["Password is required."] : [],
            }.Where(field => field.Value.Length > 0).ToDictionary());
        }

        var result = await credentials.VerifyAsync(request.Handle, request.Password);
        if (result.LockedFor is { } wait)
        {
            return Locked(http, wait, signIn.Value);
        }

        if (result.User is not { } user)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed.",
                detail: "The handle or the password is wrong.");
        }

        return TypedResults.Ok(tokens.Issue(user, result.SecurityStamp));
    }

    /// <summary>The answer while a handle's password checks are paused after too many wrong passwords.</summary>
    public static ProblemHttpResult Locked(HttpContext http, TimeSpan wait, SignInOptions limits)
    {
        RetryAfter.Set(http.Response, wait);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many wrong passwords.",
            detail: $"This handle had {limits.FailuresPerHandle} wrong passwords within {limits.HandleWindow.TotalMinutes} minutes, "
                + "so its password checks are paused; retry after the time in Retry-After.");
    }
}

/// <summary>The body of <c>POST /api/auth/token</c>.</summary>
public sealed record TokenRequest(string? Handle, string? Password);
