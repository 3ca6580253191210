using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Admin;

/// <summary>An administrator signs in through the page in headless Chromium and sees the Orleans dashboard and the admin page.</summary>
public sealed class DashboardBrowserTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Administrator_SignsInInTheBrowser_DashboardAndAdminPageRender()
    {
        var admin = await api.AdminAsync();
        await admin.CreatePostAsync("something for the statistics");
        var server = api.CreateClient().BaseAddress!;
        await using var chromium = await HeadlessChromium.StartAsync();

        // Not signed in, the dashboard sends the browser to the sign-in page.
        var page = await chromium.OpenAsync(new Uri(server, "/dashboard"), "document.querySelector('input[name=password]') !== null");
        await page.FillAsync("input[name=handle]", SocialApiFactory.Admin);
        await page.FillAsync("input[name=password]", SocialApiFactory.DefaultPassword);
        await page.EvaluateAsync("window.navigationMarker = true; document.querySelector('form').submit()");
        await page.WaitForAsync("window.navigationMarker !== true && location.pathname.startsWith('/dashboard') && document.readyState === 'complete'");
        await page.WaitForAsync("document.body.innerText.includes('Silo')", TimeSpan.FromSeconds(30));
        var dashboard = Artifacts.Save("orleans-dashboard.png", await page.ScreenshotAsync());

        await page.NavigateAsync(new Uri(server, "/admin"), "document.querySelector('#silos tbody tr') !== null");
        await page.WaitForAsync("document.body.innerText.includes('V1.PostCreated') && document.body.innerText.includes('Active')");
        var adminPage = Artifacts.Save("admin-page.png", await page.ScreenshotAsync());

        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshots: {dashboard}, {adminPage}");
    }
}
