using System.Security.Claims;
using Social.Domain.Ids;

namespace Social.Api.Auth;

internal static class CurrentUser
{
    /// <summary>The authenticated caller; only used behind <c>RequireAuthorization</c>.</summary>
    public static UserId UserId(this ClaimsPrincipal principal) =>
        new(principal.FindFirstValue(TokenIssuer.HandleClaim) ?? throw new InvalidOperationException("no authenticated user"));

    /// <summary>The caller of an endpoint anyone may call: null when anonymous.</summary>
    public static UserId? ReaderId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(TokenIssuer.HandleClaim) is { } handle ? new UserId(handle) : null;
}
