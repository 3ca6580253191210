using System.Reflection;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Orleans.Dashboard;
using Social.Api.Auth;
using Social.Api.RateLimiting;

namespace Social.Api.Admin;

/// <summary>
/// The operators' pages: a sign-in form that sets the administrators' cookie, the admin page (<c>/admin</c>) over the
/// admin API, and the Orleans dashboard (<c>/dashboard</c>). Only administrators get past the sign-in page.
/// </summary>
internal static class AdminPages
{
    private static readonly Lazy<string> AdminHtml = new(() => Resource("AdminPage.html"));

    public static void MapAdminPages(this IEndpointRouteBuilder app)
    {
        app.MapGet(AdminCookie.SignInPath, SignInForm).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(AdminCookie.SignInPath, SignInAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription()
            .RequireRateLimiting(WriteRateLimiting.SignInPolicy);
        app.MapPost("/admin/signout", (Delegate)SignOutAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/admin", () => TypedResults.Content(AdminHtml.Value, "text/html; charset=utf-8"))
            .RequireAuthorization(AuthSetup.AdminPolicy).ExcludeFromDescription();
        app.MapOrleansDashboard("/dashboard").RequireAuthorization(AuthSetup.AdminPolicy).ExcludeFromDescription();
    }

    private static IResult SignInForm(HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
        Page(http, antiforgery, returnUrl, message: null, StatusCodes.Status200OK);

    // The form is checked for its antiforgery token by hand: a forged sign-in would put the victim in the attacker's session.
    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, Credentials credentials, IAuthorizationService authorization)
    {
        if (await ReadValidFormAsync(http, antiforgery) is not { } form)
        {
            return Page(http, antiforgery, null, "The form expired; please sign in again.", StatusCodes.Status400BadRequest);
        }

        var returnUrl = form["returnUrl"].ToString();
        var result = await credentials.VerifyAsync(form["handle"], form["password"]);
        if (result.LockedFor is { } wait)
        {
            RetryAfter.Set(http.Response, wait);
            return Page(http, antiforgery, returnUrl,
                $"Too many wrong passwords for this handle; try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minutes.",
                StatusCodes.Status429TooManyRequests);
        }

        if (result.User is not { } user)
        {
            return Page(http, antiforgery, returnUrl, "The handle or the password is wrong.", StatusCodes.Status401Unauthorized);
        }

        var principal = AdminCookie.Principal(user, result.SecurityStamp);
        if (!(await authorization.AuthorizeAsync(principal, http, AuthSetup.AdminPolicy)).Succeeded)
        {
            return Page(http, antiforgery, returnUrl, $"@{user.Value} is not an administrator.", StatusCodes.Status403Forbidden);
        }

        await http.SignInAsync(AdminCookie.Scheme, principal);
        return TypedResults.LocalRedirect(IsLocalPath(returnUrl) ? returnUrl : "/admin");
    }

    // A form that cannot be read at all (a NUL in a value, a malformed body) is refused like a forged one, not with a 500.
    private static async Task<IFormCollection?> ReadValidFormAsync(HttpContext http, IAntiforgery antiforgery)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(http) ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        }
        catch (Exception e) when (e is AntiforgeryValidationException or InvalidDataException or BadHttpRequestException)
        {
            return null;
        }
    }

    // Only a path of this site, never another site (an open redirect): "//host" and "/\host" are other sites, and so is
    // "/\t/host", as browsers drop tabs and newlines from a URL. Hence printable ASCII only (all a Location header may
    // carry anyway: anything else made the redirect fail with a 500), a well-formed URL, and the same checks once
    // percent-decoded, as a proxy or browser may decode "/%2F/host" into "//host". Anything else goes to /admin.
    private static bool IsLocalPath(string url)
    {
        if (url.Any(c => c is < '!' or > '~') || !Uri.IsWellFormedUriString(url, UriKind.Relative))
        {
            return false;
        }

        var decoded = Uri.UnescapeDataString(url);
        return IsPathOfThisSite(url) && IsPathOfThisSite(decoded) && !decoded.Any(c => char.IsControl(c) || char.IsWhiteSpace(c));
    }

    private static bool IsPathOfThisSite(string url) => url is ['/', ..] and not ['/', '/' or '\\', ..];

    private static async Task<IResult> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(AdminCookie.Scheme);
        return TypedResults.LocalRedirect(AdminCookie.SignInPath);
    }

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? message, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = HtmlEncoder.Default;
        var body = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Social: administrators</title>
            <style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto}label{display:block;margin:.5rem 0}
            input{width:100%}.error{color:#8a1f1f}</style></head>
            <body><h1>Administrators</h1>
            {{(message is null ? "" : $"<p class=\"error\" role=\"alert\">{html.Encode(message)}</p>")}}
            <form method="post" action="{{AdminCookie.SignInPath}}">
            <input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken ?? "")}}">
            <input type="hidden" name="returnUrl" value="{{html.Encode(returnUrl ?? "/admin")}}">
            <label>Handle <input name="handle" autocomplete="username" required></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
            </form></body></html>
            """;
        return TypedResults.Content(body, "text/html; charset=utf-8", statusCode: status);
    }

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Social.Api.Admin.{name}")
            ?? throw new InvalidOperationException($"The resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
