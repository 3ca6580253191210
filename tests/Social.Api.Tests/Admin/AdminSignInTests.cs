using System.Net;
using System.Text.RegularExpressions;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Admin;

/// <summary>The administrators' sign-in page and its cookie: what it lets in, and what it does not.</summary>
public sealed partial class AdminSignInTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task SignIn_Administrator_GetsAStrictHttpOnlyCookieThatOpensTheAdminPagesAndTheDashboard()
    {
        await api.AdminAsync();
        var browser = Browser();

        var signedIn = await SignInAsync(browser, SocialApiFactory.Admin, SocialApiFactory.DefaultPassword);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/admin", signedIn.Headers.Location?.OriginalString);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("social_admin=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        foreach (var path in new[] { "/admin", "/dashboard/", "/api/admin/stores", "/api/admin/projections" })
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(path, TestContext.Current.CancellationToken)).StatusCode);
        }
    }

    [Fact]
    public async Task AdminCookie_IsNotABearerTokenForTheRestOfTheApi()
    {
        await api.AdminAsync();
        var browser = Browser();
        await SignInAsync(browser, SocialApiFactory.Admin, SocialApiFactory.DefaultPassword);

        var write = await browser.PostJsonAsync("/api/posts", new { text = "posted with a cookie" });

        await ApiAssert.ProblemAsync(write, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AdminCookie_AWriteWithoutTheAdminPagesHeader_403AndNothingStarts()
    {
        var admin = await api.AdminAsync();
        var before = await ApiAssert.JsonAsync(await admin.GetPathAsync("/api/admin/projections"), HttpStatusCode.OK);
        var browser = Browser();
        await SignInAsync(browser, SocialApiFactory.Admin, SocialApiFactory.DefaultPassword);

        var forged = await browser.PostAsync("/api/admin/projections/rebuild", null, TestContext.Current.CancellationToken);

        await ApiAssert.ProblemAsync(forged, HttpStatusCode.Forbidden);
        var after = await ApiAssert.JsonAsync(await admin.GetPathAsync("/api/admin/projections"), HttpStatusCode.OK);
        Assert.Equal(before.GetProperty("rebuild").GetRawText(), after.GetProperty("rebuild").GetRawText());
    }

    [Fact]
    public async Task SignIn_OrdinaryUser_403AndNoCookie()
    {
        var (_, handle) = await api.SignUpAsync("plain");
        var browser = Browser();

        var response = await SignInAsync(browser, handle, SocialApiFactory.DefaultPassword);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(CookiesOf(response), c => c.StartsWith("social_admin=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/dashboard", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task SignIn_WrongPassword_401()
    {
        await api.AdminAsync();

        var response = await SignInAsync(Browser(), SocialApiFactory.Admin, "not the password");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(CookiesOf(response), c => c.StartsWith("social_admin=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_HandleLockedByWrongPasswords_429WithRetryAfterEvenWithTheRightPassword()
    {
        // The page checks passwords too, so it must not be a way around the per-handle limit of the token endpoint.
        var (_, handle) = await api.SignUpAsync("locked");
        var client = api.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/auth/token", new { handle, password = $"wrong guess {i}" }), HttpStatusCode.Unauthorized);
        }

        var response = await SignInAsync(Browser(), handle, SocialApiFactory.DefaultPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.DoesNotContain(CookiesOf(response), c => c.StartsWith("social_admin=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_WithoutTheFormsAntiforgeryToken_400()
    {
        await api.AdminAsync();

        var response = await Browser().PostAsync(AdminPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["handle"] = SocialApiFactory.Admin,
            ["password"] = SocialApiFactory.DefaultPassword,
        }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(CookiesOf(response), c => c.StartsWith("social_admin=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("//evil.example/", "/admin")]
    [InlineData("https://evil.example/", "/admin")]
    [InlineData("/\\evil.example/", "/admin")]
    // Browsers drop tabs and newlines from a URL, so "/\t/host" is "//host": another site.
    [InlineData("/\t/evil.example", "/admin")]
    [InlineData("/\n/evil.example", "/admin")]
    [InlineData("/\r\n/evil.example", "/admin")]
    [InlineData("/%09/evil.example", "/admin")]
    [InlineData("/%2F/evil.example", "/admin")]
    [InlineData("/%5Cevil.example", "/admin")]
    [InlineData(" //evil.example", "/admin")]
    [InlineData("/ /evil.example", "/admin")]
    [InlineData("\\evil.example", "/admin")]
    [InlineData("/%", "/admin")]
    [InlineData("", "/admin")]
    [InlineData("/dashboard", "/dashboard")]
    [InlineData("/dashboard/?tab=grains", "/dashboard/?tab=grains")]
    public async Task SignIn_ReturnUrl_OnlyAPathOfThisSite(string returnUrl, string expected)
    {
        await api.AdminAsync();

        var response = await SignInAsync(Browser(), SocialApiFactory.Admin, SocialApiFactory.DefaultPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("returnUrl")]
    [InlineData("handle")]
    public async Task SignIn_NulCharacterInTheForm_400AndNoCookie(string field)
    {
        await api.AdminAsync();
        var values = new Dictionary<string, string> { ["returnUrl"] = "/admin", ["handle"] = SocialApiFactory.Admin };
        values[field] = "/\u0000/evil.example";

        var response = await SignInAsync(Browser(), values["handle"], SocialApiFactory.DefaultPassword, values["returnUrl"]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(CookiesOf(response), c => c.StartsWith("social_admin=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_BrowserNotSignedIn_RedirectedToTheSignInPage()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        request.Headers.Accept.ParseAdd("text/html");

        var response = await Browser().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/admin/signin", response.Headers.Location?.PathAndQuery ?? response.Headers.Location?.OriginalString);
    }

    private const string AdminPath = "/admin/signin";

    // Keeps cookies like a browser, but shows redirects instead of following them.
    private HttpClient Browser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = api.CreateClient().BaseAddress,
        };

    // As a browser does: fetch the form (its antiforgery cookie and field), then post it.
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string handle, string password, string returnUrl = "/admin")
    {
        var form = await browser.GetStringAsync(AdminPath, TestContext.Current.CancellationToken);
        var token = AntiforgeryField().Match(form);
        Assert.True(token.Success, "the sign-in form carries an antiforgery token");
        return await browser.PostAsync(AdminPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [WebUtility.HtmlDecode(token.Groups["name"].Value)] = WebUtility.HtmlDecode(token.Groups["value"].Value),
            ["returnUrl"] = returnUrl,
            ["handle"] = handle,
            ["password"] = password,
        }), TestContext.Current.CancellationToken);
    }

    private static IEnumerable<string> CookiesOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [];

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]+)">""")]
    private static partial Regex AntiforgeryField();
}
