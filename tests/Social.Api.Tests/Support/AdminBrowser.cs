using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace Social.Api.Tests.Support;

/// <summary>
/// A browser on the administrators' pages: keeps cookies, shows redirects instead of following them, and signs in
/// through the form as a person does (fetch it for its antiforgery token, then post it).
/// </summary>
public static partial class AdminBrowser
{
    public const string SignInPath = "/admin/signin";
    public const string CookieName = "social_admin";

    /// <summary>A browser on <paramref name="server"/>; <paramref name="handler"/> is its connection (default: a plain one).</summary>
    public static HttpClient Create(Uri server, CookieContainer? cookies = null, SocketsHttpHandler? handler = null)
    {
        handler ??= new SocketsHttpHandler();
        handler.AllowAutoRedirect = false;
        handler.UseCookies = true;
        handler.CookieContainer = cookies ?? new CookieContainer();
        return new HttpClient(handler) { BaseAddress = server };
    }

    /// <summary>Fetches the sign-in form and posts it with <paramref name="handle"/> and <paramref name="password"/>.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string handle, string password = SocialApiFactory.DefaultPassword)
    {
        var form = await browser.GetStringAsync(SignInPath, TestContext.Current.CancellationToken);
        var token = AntiforgeryField().Match(form);
        Assert.True(token.Success, "the sign-in form carries an antiforgery token");
        return await browser.PostAsync(SignInPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [WebUtility.HtmlDecode(token.Groups["name"].Value)] = WebUtility.HtmlDecode(token.Groups["value"].Value),
            ["returnUrl"] = "/admin",
            ["handle"] = handle,
            ["password"] = password,
        }), TestContext.Current.CancellationToken);
    }

    /// <summary>The administrators' cookie the response sets (its whole <c>Set-Cookie</c> line), failing if there is none.</summary>
    public static string AdminCookie(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"signing in: expected a redirect, got {(int)response.StatusCode}");
        return Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]+)">""")]
    private static partial Regex AntiforgeryField();
}
