using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Social.Domain.Ids;

namespace Social.Api.Auth;

/// <summary>
/// Browsers cannot send a bearer header to the dashboard's pages, so administrators sign in at <c>/admin/signin</c>
/// and get this cookie: HTTP-only, SameSite=Strict (no other site can make the browser send it), an hour long. It is
/// accepted only on the operator paths (<see cref="Applies"/>); everywhere else, and whenever a bearer token is sent,
/// the bearer scheme decides.
/// </summary>
internal static class AdminCookie
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Name = "social_admin";
    public const string SignInPath = "/admin/signin";

    /// <summary>The scheme that picks bearer or cookie per request; the default of the host.</summary>
    public const string Selector = "bearer-or-admin-cookie";

    public static bool Applies(HttpContext http) =>
        http.Request.Headers.Authorization.Count == 0 &&
        (http.Request.Path.StartsWithSegments("/dashboard") || http.Request.Path.StartsWithSegments("/admin") ||
         http.Request.Path.StartsWithSegments("/api/admin"));

    public static AuthenticationBuilder AddAdminCookie(this AuthenticationBuilder authentication) => authentication
        .AddPolicyScheme(Selector, "bearer token, or the administrators' cookie on operator paths",
            options => options.ForwardDefaultSelector = http => Applies(http) ? Scheme : JwtBearerDefaults.AuthenticationScheme)
        .AddCookie(Scheme, options =>
        {
            options.Cookie.Name = Name;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(1);
            options.SlidingExpiration = false;
            options.LoginPath = SignInPath;
            // Each request re-checks the cookie's user and security stamp, as the bearer scheme does for tokens.
            options.Events.OnValidatePrincipal = RejectRevokedAsync;
            options.Events.OnRedirectToLogin = context => Challenge(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => Challenge(context, StatusCodes.Status403Forbidden);
        });

    /// <summary>The header the admin page sends with its writes (<see cref="RequirePageHeaderOnWrites"/>).</summary>
    public const string PageHeader = "X-Social-Admin";

    /// <summary>
    /// A write made with the cookie must carry <see cref="PageHeader"/>: a form or script of another site cannot add a
    /// header to a request that carries the cookie, so this stops cross-site requests beyond what SameSite does
    /// (sibling subdomains count as the same site). Bearer-token calls are not affected.
    /// </summary>
    public static async ValueTask<object?> RequirePageHeaderOnWrites(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var byCookie = http.User.Identity?.AuthenticationType == Scheme;
        return byCookie && !HttpMethods.IsGet(http.Request.Method) && !http.Request.Headers.ContainsKey(PageHeader)
            ? TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Missing the admin page's header.",
                detail: $"Writes made with the administrators' cookie must come from the admin page (header {PageHeader}).")
            : await next(context);
    }

    public static ClaimsPrincipal Principal(UserId user, int securityStamp) => new(new ClaimsIdentity(
        [new Claim(TokenIssuer.HandleClaim, user.Value), SecurityStamps.ClaimFor(securityStamp)], Scheme, TokenIssuer.HandleClaim, null));

    private static async Task RejectRevokedAsync(CookieValidatePrincipalContext context)
    {
        var stamps = context.HttpContext.RequestServices.GetRequiredService<SecurityStamps>();
        if (!await stamps.IsCurrentAsync(context.Principal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    // A person's browser asking for a page is sent to the sign-in page; anything else gets the status (and, from the
    // status-code pages, a problem body).
    private static Task Challenge(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var request = context.Request;
        var wantsPage = HttpMethods.IsGet(request.Method) && !request.Path.StartsWithSegments("/api") &&
            request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
        if (wantsPage && status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }
}
