using Microsoft.AspNetCore.Http.HttpResults;
using Social.Api.RateLimiting;
using Social.Domain.Errors;

namespace Social.Api.Auth;

/// <summary><c>POST /api/auth/token</c>: a handle and password for an access token.</summary>
internal static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");
        auth.MapPost("/token", IssueTokenAsync).RequireRateLimiting(WriteRateLimiting.WritesPolicy)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Exchanges a handle and password for a bearer token.");
        return auth;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, Credentials credentials, TokenIssuer tokens)
    {
        if (string.IsNullOrEmpty(request.Handle) || string.IsNullOrEmpty(request.Password))
        {
            throw new ValidationException(new Dictionary<string, string[]>
            {
                ["handle"] = string.IsNullOrEmpty(request.Handle) ? ["Handle is required."] : [],
                ["password"] = string.IsNullOrEmpty(request.Password) ? ["Password is required."] : [],
            }.Where(field => field.Value.Length > 0).ToDictionary());
        }

        if (await credentials.VerifyAsync(request.Handle, request.Password) is not { } user)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed.",
                detail: "The handle or the password is wrong.");
        }

        return TypedResults.Ok(tokens.Issue(user));
    }
}

/// <summary>The body of <c>POST /api/auth/token</c>.</summary>
public sealed record TokenRequest(string? Handle, string? Password);
