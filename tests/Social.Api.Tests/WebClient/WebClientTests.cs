using System.Net;
using System.Text.Json;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.WebClient;

/// <summary>The web client served at / in headless Chromium, driven as a person would use it.</summary>
public sealed class WebClientTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task TwoUsersInTwoPages_OnePosts_TheOtherPageShowsItLiveAndItsComments()
    {
        await using var chromium = await HeadlessChromium.StartAsync();
        var (_, alice, bob, alicePage, bobPage) = await AliceAndBobAsync(chromium);

        await FollowFromPageAsync(bobPage, bob, alice);
        await bobPage.EvaluateAsync("window.notReloaded = true");

        var text = $"Hello from {alice}'s page";
        await alicePage.FillAsync("#post-text", text);
        await alicePage.ClickAsync("#post");
        await bobPage.WaitForAsync($"[...document.querySelectorAll('#timeline .text')].some(p => p.textContent === {Js(text)})");
        Assert.True((await bobPage.EvaluateAsync("window.notReloaded === true"))!.GetValue<bool>());

        // Bob opens the post's comments and writes one; Alice's page is told, as it is her post.
        await bobPage.ClickAsync("#timeline .post .comments-toggle");
        await bobPage.FillAsync("#timeline .post .comment-form input", "Nice one");
        await bobPage.EvaluateAsync("document.querySelector('#timeline .post .comment-form button').click()");
        await bobPage.WaitForAsync("document.querySelector('#timeline .post .comments li')?.textContent.includes('Nice one')");
        await alicePage.WaitForAsync("document.querySelector('#timeline .post .comments-toggle').textContent.includes('(1)')");

        var path = Artifacts.Save("web-client-live-post.png", await bobPage.ScreenshotAsync());
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot: {path}");
        Assert.True(new FileInfo(path).Length > 1000);
    }

    [Fact]
    public async Task NotificationBadge_UpdatesLive_OpeningTheListReadsThem_MentionsAndTagsAreLinks()
    {
        var tag = "w" + Guid.NewGuid().ToString("N")[..10];
        await using var chromium = await HeadlessChromium.StartAsync();
        var (_, alice, bob, alicePage, bobPage) = await AliceAndBobAsync(chromium);
        await alicePage.WaitForAsync("document.getElementById('unread').hidden");

        await bobPage.FillAsync("#follow-handle", alice);
        await bobPage.ClickAsync("#follow");
        await alicePage.WaitForAsync("!document.getElementById('unread').hidden && document.getElementById('unread').textContent === '1'");
        await bobPage.FillAsync("#post-text", $"Hi @{alice.ToUpperInvariant()}, see #{tag} and @nobody_{tag}");
        await bobPage.ClickAsync("#post");
        await alicePage.WaitForAsync("document.getElementById('unread').textContent === '2'");

        await alicePage.ClickAsync("#notifications-toggle");
        await alicePage.WaitForAsync("document.getElementById('unread').hidden && document.querySelectorAll('#notification-list li').length === 2");
        var items = (await alicePage.EvaluateAsync("[...document.querySelectorAll('#notification-list li')].map(li => li.textContent).join('|')"))!.GetValue<string>();
        Assert.Equal($"{bob.ToUpperInvariant()} mentioned you|{bob.ToUpperInvariant()} followed you", items);

        // In Bob's own timeline the mention and the tag are links; the mention of nobody is text. The tag opens its timeline.
        await bobPage.WaitForAsync($"document.querySelector('#timeline .text a[href=\"#/tags/{tag}\"]') !== null");
        var links = (await bobPage.EvaluateAsync("[...document.querySelectorAll('#timeline .text a')].map(a => a.getAttribute('href')).join(' ')"))!.GetValue<string>();
        Assert.Equal($"#/users/{alice} #/tags/{tag}", links);
        await bobPage.ClickAsync($"#timeline .text a[href=\"#/tags/{tag}\"]");
        await bobPage.WaitForAsync($"!document.getElementById('browse').hidden && document.getElementById('browse-title').textContent === '#{tag}' && document.querySelectorAll('#browse-list li').length === 1");
        await bobPage.ClickAsync($"#browse-list a[href=\"#/users/{alice}\"]");
        await bobPage.WaitForAsync($"document.getElementById('browse-title').textContent.endsWith('@{alice}')");

        var path = Artifacts.Save("web-client-notifications.png", await alicePage.ScreenshotAsync());
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot: {path}");
    }

    [Fact]
    public async Task MuteButton_OnAnothersPost_TakesTheirPostsAway_AndTheServerKeepsThemAway()
    {
        await using var chromium = await HeadlessChromium.StartAsync();
        var (server, alice, bob, alicePage, bobPage) = await AliceAndBobAsync(chromium);
        await FollowFromPageAsync(bobPage, bob, alice);
        await alicePage.FillAsync("#post-text", "mute me if you can");
        await alicePage.ClickAsync("#post");
        await bobPage.WaitForAsync("document.querySelectorAll('#timeline .post').length === 1");
        Assert.True((await bobPage.EvaluateAsync("document.querySelector('#timeline .post .delete').hidden && !document.querySelector('#timeline .post .mute').hidden"))!.GetValue<bool>());

        await bobPage.ClickAsync("#timeline .post .mute");
        await bobPage.WaitForAsync("document.querySelectorAll('#timeline .post').length === 0");

        await bobPage.NavigateAsync(server, WebClientLoaded);
        await bobPage.WaitForAsync("document.getElementById('live').textContent === 'live'");
        Assert.Equal(0, (await bobPage.EvaluateAsync("document.querySelectorAll('#timeline .post').length"))!.GetValue<int>());
    }

    [Fact]
    public async Task Root_ServesTheWebClientAndTheLocalSignalRBundle()
    {
        var client = api.CreateClient();

        var page = await client.GetPathAsync("/");
        var bundle = await client.GetPathAsync("/lib/signalr/signalr.min.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("src=\"lib/signalr/signalr.min.js\"", html);
        Assert.DoesNotContain("https://", html);
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Contains("HubConnectionBuilder", await bundle.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    // Two people, each signed up in a page of their own, both pages live.
    private async Task<(Uri Server, string Alice, string Bob, HeadlessChromium.Page AlicePage, HeadlessChromium.Page BobPage)> AliceAndBobAsync(HeadlessChromium chromium)
    {
        var server = api.CreateClient().BaseAddress!;
        var (alice, bob) = (Handles.Unique("alice"), Handles.Unique("bob"));
        var alicePage = await chromium.OpenAsync(server, WebClientLoaded);
        var bobPage = await chromium.OpenAsync(server, WebClientLoaded);
        await SignUpAsync(alicePage, alice);
        await SignUpAsync(bobPage, bob);
        return (server, alice, bob, alicePage, bobPage);
    }

    private async Task FollowFromPageAsync(HeadlessChromium.Page page, string follower, string followee)
    {
        await page.FillAsync("#follow-handle", followee);
        await page.ClickAsync("#follow");
        await FollowerVisibleAsync(followee, follower);
    }

    private static async Task SignUpAsync(HeadlessChromium.Page page, string handle)
    {
        await page.FillAsync("#handle", handle);
        await page.FillAsync("#display-name", handle.ToUpperInvariant());
        await page.FillAsync("#password", SocialApiFactory.DefaultPassword);
        await page.ClickAsync("#sign-up");
        await page.WaitForAsync("!document.getElementById('app').hidden && document.getElementById('live').textContent === 'live'");
    }

    // The follow is committed when the page's request returns; wait until the read side has it too.
    private async Task FollowerVisibleAsync(string followee, string follower)
    {
        var client = api.CreateClient();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var page = await ApiAssert.JsonAsync(await client.GetPathAsync($"/api/users/{followee}/followers"), HttpStatusCode.OK);
            if (page.GetProperty("items").EnumerateArray().Any(user => user.GetProperty("handle").GetString() == follower))
            {
                return;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"{follower} never appeared among {followee}'s followers");
    }

    private const string WebClientLoaded = "typeof signalR !== 'undefined'";

    private static string Js(string value) => JsonSerializer.Serialize(value);
}
