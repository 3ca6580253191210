using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Notifications;

/// <summary>API.md, "Notifications": each type once, for the right user, with the right fields; undo; markers; ?since=.</summary>
public sealed class NotificationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Follow_NotifiesTheFolloweeOnce_UnfollowRemovesIt_FollowingAgainDoesNotNotifyAgain()
    {
        var (followee, followeeHandle) = await api.SignUpAsync("followee");
        var (follower, followerHandle) = await api.SignUpAsync("follower");
        var (witness, witnessHandle) = await api.SignUpAsync("witness");

        await Follow(follower, followeeHandle);
        var notification = Assert.Single(await followee.NotificationsWhenAsync(items => items.Count == 1, "the follow notified"));
        Assert.Equal("follow", notification.Type());
        Assert.Equal(followerHandle, notification.Actor());
        Assert.Equal(followerHandle.ToUpperInvariant(), ApiAssert.String(ApiAssert.Property(notification, "actor"), "displayName"));
        Assert.Null(notification.PostId());
        Assert.Null(notification.CommentId());
        ApiAssert.IsRecentUtc(notification, "createdAt");

        await ApiAssert.NoContentAsync(await follower.SendAsync(HttpMethod.Delete, $"/api/users/me/following/{followeeHandle}"));
        await followee.NotificationsWhenAsync(items => items.Count == 0, "the unfollow withdrew it");

        // The follower's next follow is projected after the repeated one: once it notified, the repeat has been seen to.
        await Follow(follower, followeeHandle);
        await Follow(follower, witnessHandle);
        await witness.NotificationsWhenAsync(items => items.Count == 1, "the later follow notified");
        Assert.Empty(await followee.NotificationsAsync());
    }

    [Fact]
    public async Task Like_NotifiesTheAuthor_UnlikeRemoves_LikeAgainNotifiesNoMore_SelfLikeNobody()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (liker, likerHandle) = await api.SignUpAsync("liker");
        var postId = await author.CreatePostIdAsync("like me");

        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
        await ApiAssert.NoContentAsync(await liker.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
        var like = Assert.Single(await author.NotificationsWhenAsync(items => items.Count == 1, "the like notified"));
        Assert.Equal(("like", likerHandle, postId, (string?)null), (like.Type(), like.Actor(), like.PostId(), like.CommentId()));

        await ApiAssert.NoContentAsync(await liker.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/like"));
        await author.NotificationsWhenAsync(items => items.Count == 0, "the unlike withdrew it");

        // A comment is projected after the like again: once it notified, the like has been seen to.
        await ApiAssert.NoContentAsync(await liker.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
        await liker.CommentAsync(postId, "me again");
        Assert.Equal("comment", Assert.Single(await author.NotificationsWhenAsync(items => items.Count == 1, "the comment notified")).Type());
    }

    [Fact]
    public async Task Comment_NotifiesTheAuthorOnce_EvenWhenItMentionsThem_MentionsNotifyOthers_DeletingItRemovesBoth()
    {
        var (author, authorHandle) = await api.SignUpAsync("author");
        var (commenter, commenterHandle) = await api.SignUpAsync("commenter");
        var (mentioned, mentionedHandle) = await api.SignUpAsync("mentioned");
        var postId = await author.CreatePostIdAsync("comment on me");

        var comment = await commenter.CommentAsync(postId, $"@{authorHandle} and @{mentionedHandle}, and me @{commenterHandle}");
        var commentId = ApiAssert.String(comment, "id");

        var toAuthor = Assert.Single(await author.NotificationsWhenAsync(items => items.Count == 1, "the comment notified"));
        Assert.Equal(("comment", commenterHandle, postId, commentId), (toAuthor.Type(), toAuthor.Actor(), toAuthor.PostId(), toAuthor.CommentId()));
        var toMentioned = Assert.Single(await mentioned.NotificationsWhenAsync(items => items.Count == 1, "the mention notified"));
        Assert.Equal(("mention", commenterHandle, postId, commentId), (toMentioned.Type(), toMentioned.Actor(), toMentioned.PostId(), toMentioned.CommentId()));
        Assert.Empty(await commenter.NotificationsAsync());

        await ApiAssert.NoContentAsync(await commenter.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/comments/{commentId}"));
        await author.NotificationsWhenAsync(items => items.Count == 0, "the comment's notification withdrawn");
        await mentioned.NotificationsWhenAsync(items => items.Count == 0, "the mention withdrawn");
    }

    [Fact]
    public async Task PostMentions_NotifyTheFirstTenMentioned_NotTheAuthor_DeletingThePostRemovesEveryNotificationAboutIt()
    {
        var (author, authorHandle) = await api.SignUpAsync("author");
        var users = new List<(HttpClient Client, string Handle)>();
        for (var i = 0; i < 10; i++)
        {
            users.Add(await api.SignUpAsync($"m{i}"));
        }

        // The author's own mention is one of the first ten: nine others are notified, the tenth other is not.
        var postId = await author.CreatePostIdAsync($"hi @{authorHandle} " + string.Join(' ', users.Select(user => "@" + user.Handle)));
        var mention = Assert.Single(await users[8].Client.NotificationsWhenAsync(items => items.Count == 1, "the ninth notified"));
        Assert.Equal(("mention", authorHandle, postId, (string?)null), (mention.Type(), mention.Actor(), mention.PostId(), mention.CommentId()));
        await users[0].Client.NotificationsWhenAsync(items => items.Count == 1, "the first notified");
        await ApiAssert.NoContentAsync(await users[0].Client.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
        await users[1].Client.CommentAsync(postId, "nice");
        await author.NotificationsWhenAsync(items => items.Count == 2, "the like and the comment notified");
        Assert.Empty(await users[9].Client.NotificationsAsync());

        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}"));

        await author.NotificationsWhenAsync(items => items.Count == 0, "the author's notifications about the post withdrawn");
        foreach (var (client, _) in users.Take(9))
        {
            await client.NotificationsWhenAsync(items => items.Count == 0, "every mention withdrawn");
        }
    }

    [Fact]
    public async Task UnreadAndMarker_CountNewerThanTheMarker_WhichNeverMovesBack()
    {
        var (user, handle) = await api.SignUpAsync("user");
        var followers = new List<HttpClient>();
        for (var i = 0; i < 3; i++)
        {
            followers.Add((await api.SignUpAsync("fan")).Client);
            await Follow(followers[^1], handle);
        }

        var items = await user.NotificationsWhenAsync(items => items.Count == 3, "three follows notified");
        Assert.Equal(3, await user.UnreadAsync());

        await ApiAssert.NoContentAsync(await user.MoveMarkerAsync(items[1].Id()));
        Assert.Equal(1, await Eventually.ReadAsync(user.UnreadAsync, count => count == 1, "the marker moved"));

        await ApiAssert.NoContentAsync(await user.MoveMarkerAsync(items[2].Id()));
        await ApiAssert.NoContentAsync(await user.MoveMarkerAsync(items[0].Id().ToLowerInvariant()));
        Assert.Equal(0, await Eventually.ReadAsync(user.UnreadAsync, count => count == 0, "the marker moved to the newest"));
        await ApiAssert.NoContentAsync(await user.MoveMarkerAsync(items[2].Id()));
        Assert.Equal(0, await user.UnreadAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-an-id")]
    [InlineData("7ZZZZZZZZZ0000000000000000")] // the year 10889: no notification is from the future
    public async Task Marker_NotANotificationId_Returns400AndChangesNothing(string? lastReadId)
    {
        var (user, handle) = await api.SignUpAsync("user");
        var events = await api.Factory.EventsInStreamAsync($"user-{handle}");

        await ApiAssert.ValidationProblemAsync(await user.MoveMarkerAsync(lastReadId), "lastReadId");

        Assert.Equal(events, await api.Factory.EventsInStreamAsync($"user-{handle}"));
    }

    [Fact]
    public async Task Since_ReturnsExactlyWhatArrivedAfterTheNewestSeen_AndPagesWalkEachOnce()
    {
        var (user, handle) = await api.SignUpAsync("user");
        for (var i = 0; i < 5; i++)
        {
            await Follow((await api.SignUpAsync("early")).Client, handle);
        }

        var seen = await user.NotificationsWhenAsync(items => items.Count == 5, "five follows notified");
        Assert.Equal(seen.Select(item => item.Id()).OrderDescending(StringComparer.Ordinal), seen.Select(item => item.Id()));
        Assert.Empty(await user.NotificationsAsync(since: seen[0].Id()));

        // A client that saw the newest goes away; three more arrive.
        for (var i = 0; i < 3; i++)
        {
            await Follow((await api.SignUpAsync("late")).Client, handle);
        }

        var all = await user.NotificationsWhenAsync(items => items.Count == 8, "eight follows notified");
        var missed = await user.NotificationsAsync(since: seen[0].Id());
        Assert.Equal(all.Take(3).Select(item => item.Id()), missed.Select(item => item.Id()));

        var byPages = await WalkPagesAsync(user, limit: 3);
        Assert.Equal(all.Select(item => item.Id()), byPages);
        Assert.Equal(missed.Select(item => item.Id()), (await user.NotificationsAsync(since: seen[0].Id().ToLowerInvariant())).Select(item => item.Id()));
    }

    [Fact]
    public async Task Notifications_WithoutAToken_Are401()
    {
        var anonymous = api.CreateClient();

        await ApiAssert.ProblemAsync(await anonymous.GetPathAsync("/api/notifications"), HttpStatusCode.Unauthorized);
        await ApiAssert.ProblemAsync(await anonymous.GetPathAsync("/api/notifications/unread"), HttpStatusCode.Unauthorized);
        await ApiAssert.ProblemAsync(await anonymous.MoveMarkerAsync("01JPB7Z3QK8M4N5P6R7S8T9V0X"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task NotificationAdded_IsPushedToTheRecipientOnly()
    {
        var (recipient, handle) = await api.SignUpAsync("recipient");
        var (bystander, _) = await api.SignUpAsync("bystander");
        var (follower, _) = await api.SignUpAsync("follower");
        await using var feed = await FeedClient.ConnectAsync(recipient);
        await using var other = await FeedClient.ConnectAsync(bystander);

        await Follow(follower, handle);

        var notification = Assert.Single(await recipient.NotificationsWhenAsync(items => items.Count == 1, "the follow notified"));
        var pushed = await feed.WaitForAsync("notificationAdded", notification.Id());
        Assert.Equal(notification.GetRawText(), pushed.GetRawText());
        Assert.Empty(other.Received("notificationAdded"));
    }

    private static async Task<List<string>> WalkPagesAsync(HttpClient client, int limit)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ApiAssert.JsonAsync(
                await client.GetPathAsync($"/api/notifications?limit={limit}{(cursor is null ? "" : $"&cursor={cursor}")}"), HttpStatusCode.OK);
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.Id()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return ids;
    }

    private static async Task Follow(HttpClient follower, string handle) =>
        await ApiAssert.NoContentAsync(await follower.SendAsync(HttpMethod.Put, $"/api/users/me/following/{handle}"));
}
