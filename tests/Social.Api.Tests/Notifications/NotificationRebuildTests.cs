using System.Text.Json;
using Social.Api.Tests.Admin;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Notifications;

/// <summary>The event store is the only source of truth: a rebuild restores notifications, markers and tag timelines exactly.</summary>
public sealed class NotificationRebuildTests(RebuildingApiFixture api) : IClassFixture<RebuildingApiFixture>
{
    [Fact]
    public async Task Rebuild_RestoresNotificationsMarkersAndTagTimelinesExactly()
    {
        var (alice, aliceHandle) = await api.SignUpAsync("alice");
        var (bob, bobHandle) = await api.SignUpAsync("bob");
        var (carol, _) = await api.SignUpAsync("carol");
        var tag = "r" + Guid.NewGuid().ToString("N")[..10];

        await ApiAssert.NoContentAsync(await bob.SendAsync(HttpMethod.Put, $"/api/users/me/following/{aliceHandle}"));
        await ApiAssert.NoContentAsync(await carol.SendAsync(HttpMethod.Put, $"/api/users/me/following/{aliceHandle}"));
        await ApiAssert.NoContentAsync(await carol.SendAsync(HttpMethod.Delete, $"/api/users/me/following/{aliceHandle}"));
        var post = await alice.CreatePostIdAsync($"#{tag} hello @{bobHandle}");
        await bob.CreatePostIdAsync($"#{tag} hi @{aliceHandle}");
        await ApiAssert.NoContentAsync(await bob.SendAsync(HttpMethod.Put, $"/api/posts/{post}/like"));
        await ApiAssert.NoContentAsync(await carol.SendAsync(HttpMethod.Put, $"/api/posts/{post}/like"));
        await ApiAssert.NoContentAsync(await carol.SendAsync(HttpMethod.Delete, $"/api/posts/{post}/like"));
        await carol.CommentAsync(post, $"@{bobHandle} look");

        // follow by bob, mention, like by bob, comment by carol
        var before = await alice.NotificationsWhenAsync(items => items.Count == 4, "alice's four notifications");
        await bob.NotificationsWhenAsync(items => items.Count == 2, "bob's two mentions");
        await ApiAssert.NoContentAsync(await alice.MoveMarkerAsync(before[2].Id()));
        var unread = await Eventually.ReadAsync(alice.UnreadAsync, count => count == 2, "the marker moved");
        var tagged = await Eventually.ReadAsync(() => alice.AllPagesAsync($"/api/tags/{tag}/posts"), items => items.Count == 2, "both tagged posts");

        await api.RebuildReadModelsAsync();

        Assert.Equal(Json(before), Json(await alice.NotificationsWhenAsync(items => items.Count == before.Count, "alice's notifications rebuilt")));
        Assert.Equal(Json(await bob.NotificationsAsync()), Json(await bob.NotificationsWhenAsync(items => items.Count == 2, "bob's rebuilt")));
        Assert.Equal(unread, await alice.UnreadAsync());
        Assert.Equal(Json(tagged), Json(await Eventually.ReadAsync(() => alice.AllPagesAsync($"/api/tags/{tag}/posts"), items => items.Count == 2, "tag timeline rebuilt")));

        // Once notified, never again: the rebuilt read model remembers carol's like and follow too. Each stream's next
        // event is a witness: once it notified, the repeated action before it has been projected.
        await ApiAssert.NoContentAsync(await carol.SendAsync(HttpMethod.Put, $"/api/posts/{post}/like"));
        await carol.CommentAsync(post, "a witness: projected after the like");
        await ApiAssert.NoContentAsync(await carol.SendAsync(HttpMethod.Put, $"/api/users/me/following/{aliceHandle}"));
        await ApiAssert.NoContentAsync(await carol.SendAsync(HttpMethod.Put, $"/api/users/me/following/{bobHandle}"));
        await alice.NotificationsWhenAsync(items => items.Count == 5, "the witness comment notified");
        await bob.NotificationsWhenAsync(items => items.Count == 3, "the witness follow notified");
        Assert.Equal(["comment", "comment"], (await alice.NotificationsAsync()).Where(n => n.Actor() != bobHandle).Select(n => n.Type()));
    }

    private static string Json(IEnumerable<JsonElement> items) => string.Join("\n", items.Select(item => item.GetRawText()));
}
