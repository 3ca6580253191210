using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Social.Abstractions.Users;
using Social.Api.Auth;
using Social.Api.RateLimiting;
using Social.Domain.Errors;
using Social.Domain.Text;

namespace Social.Api.Users;

/// <summary>
/// The caller's password and account: <c>PUT /api/users/me/password</c> and <c>DELETE /api/users/me</c>. Both ask for
/// the current password (a stolen token alone cannot take the account over or erase it), checked as at sign-in, so
/// wrong passwords here count towards the handle's limit too.
/// </summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this RouteGroupBuilder me)
    {
        me.MapPut("/password", ChangePasswordAsync)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Changes the caller's password; every token issued before is refused from then on.");
        me.MapDelete("/", DeleteAsync)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Deletes the caller's account: the handle stays taken; posts, comments, likes and follows go, and the personal data is erased.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request, HttpContext http, Credentials credentials, PasswordHashing passwords, IGrainFactory grains,
        SecurityStamps stamps, IOptions<SignInOptions> signIn)
    {
        var errors = new ValidationErrors();
        errors.Check(() => Required("currentPassword", request.CurrentPassword));
        var newPassword = errors.Check(() => PasswordRules.Validate(request.NewPassword, "newPassword"));
        errors.ThrowIfAny();

        var user = http.User.UserId();
        var check = await VerifyAsync(user.Value, request.CurrentPassword, credentials);
        if (check.LockedFor is { } wait)
        {
            return AuthEndpoints.Locked(http, wait, signIn.Value);
        }

        stamps.Remember(user, await grains.GetGrain<IUserGrain>(user.Value).ChangePasswordAsync(passwords.Hash(user, newPassword!), check.SecurityStamp));
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        [FromBody] DeleteAccountRequest request, HttpContext http, Credentials credentials, IGrainFactory grains, SecurityStamps stamps,
        IOptions<SignInOptions> signIn)
    {
        Required("password", request.Password);
        var user = http.User.UserId();
        var check = await VerifyAsync(user.Value, request.Password, credentials);
        if (check.LockedFor is { } wait)
        {
            return AuthEndpoints.Locked(http, wait, signIn.Value);
        }

        await grains.GetGrain<IUserGrain>(user.Value).DeleteAsync(check.SecurityStamp);
        stamps.RememberDeleted(user);
        return TypedResults.NoContent();
    }

    // A wrong password is a 403, not the 401 of sign-in: the caller is signed in, and must not be signed out for a typo.
    private static async Task<Auth.SignInResult> VerifyAsync(string handle, string? password, Credentials credentials)
    {
        var result = await credentials.VerifyAsync(handle, password);
        return result.User is null && result.LockedFor is null
            ? throw new ForbiddenException("The password is wrong.")
            : result;
    }

    private static string Required(string field, string? value) =>
        string.IsNullOrEmpty(value) ? throw new ValidationException(field, "The current password is required.") : value;
}

/// <summary>The body of <c>PUT /api/users/me/password</c>.</summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>The body of <c>DELETE /api/users/me</c>.</summary>
public sealed record DeleteAccountRequest(string? Password);
