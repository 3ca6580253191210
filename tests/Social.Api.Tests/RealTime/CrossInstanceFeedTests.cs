using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.RealTime;

/// <summary>Pushes across instances through the Redis backplane, and a client that reconnects elsewhere and resumes.</summary>
public sealed class CrossInstanceFeedTests(TwoInstancesFixture instances) : IClassFixture<TwoInstancesFixture>
{
    [Fact]
    public async Task ClientOnTheSecondInstance_ReceivesPushesCausedByWritesOnTheFirst()
    {
        var authorHandle = Handles.Unique("author");
        var author = await instances.First.SignUpAsync(authorHandle);
        var follower = await instances.First.SignUpAsync(Handles.Unique("follower"));
        await ApiAssert.NoContentAsync(await follower.SendAsync(HttpMethod.Put, $"/api/users/me/following/{authorHandle}"));
        await using var feed = await FeedClient.ConnectAsync(instances.OnSecond(follower));

        // Several posts: their projections are spread over both silos, so pushes are made on either instance.
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await author.CreatePostIdAsync($"from the first instance {i}"));
        }

        foreach (var id in ids)
        {
            await feed.WaitForAsync("postAdded", id);
        }

        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{ids[0]}"));
        await feed.WaitForAsync("postRemoved", ids[0]);
    }

    [Fact]
    public async Task NotificationAdded_ReachesTheRecipientOnTheOtherInstance()
    {
        var recipientHandle = Handles.Unique("recipient");
        var recipient = await instances.First.SignUpAsync(recipientHandle);
        var actor = await instances.First.SignUpAsync(Handles.Unique("actor"));
        await using var feed = await FeedClient.ConnectAsync(instances.OnSecond(recipient));

        // Several actions: their projections are spread over both silos, so notifications are made on either instance.
        var postId = await recipient.CreatePostIdAsync("notify me");
        await ApiAssert.NoContentAsync(await actor.SendAsync(HttpMethod.Put, $"/api/users/me/following/{recipientHandle}"));
        await ApiAssert.NoContentAsync(await actor.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
        var commentId = ApiAssert.String(await actor.CommentAsync(postId, "from the first instance"), "id");

        await feed.WaitForAsync("notificationAdded", "follow", property: "type");
        await feed.WaitForAsync("notificationAdded", "like", property: "type");
        await feed.WaitForAsync("notificationAdded", commentId, property: "commentId");
    }

    [Fact]
    public async Task PushesAcrossABlockOrFromAMutedAuthor_AreNeverSent_ToAClientOnTheOtherInstance()
    {
        var readerHandle = Handles.Unique("reader");
        var reader = await instances.First.SignUpAsync(readerHandle);
        var (mutedHandle, friendHandle, blockerHandle) = (Handles.Unique("muted"), Handles.Unique("friend"), Handles.Unique("blocker"));
        var muted = await instances.First.SignUpAsync(mutedHandle);
        var friend = await instances.First.SignUpAsync(friendHandle);
        var blocker = await instances.First.SignUpAsync(blockerHandle);
        foreach (var handle in new[] { mutedHandle, friendHandle })
        {
            await ApiAssert.NoContentAsync(await reader.SendAsync(HttpMethod.Put, $"/api/users/me/following/{handle}"));
        }

        await ApiAssert.NoContentAsync(await reader.SendAsync(HttpMethod.Put, $"/api/users/me/mutes/{mutedHandle}"));
        var readersPost = await reader.CreatePostIdAsync("comment on me");
        await ApiAssert.NoContentAsync(await blocker.SendAsync(HttpMethod.Put, $"/api/users/me/blocks/{readerHandle}"));
        await Eventually.ReadAsync(() => reader.AllPagesAsync("/api/users/me/mutes"), items => items.Count == 1, "the mute projected");
        await Eventually.ReadAsync(() => blocker.AllPagesAsync("/api/users/me/blocks"), items => items.Count == 1, "the block projected");
        await using var feed = await FeedClient.ConnectAsync(instances.OnSecond(reader));

        var mutedPost = await muted.CreatePostIdAsync("from a muted author");
        await blocker.CommentAsync(readersPost, "from a user who blocks the reader");
        var friendsPost = await friend.CreatePostIdAsync("from a friend");
        var friendsComment = ApiAssert.String(await friend.CommentAsync(readersPost, "a friend's comment"), "id");

        // The friend's comment comes after the blocker's in the post's stream, so once it is pushed the other was decided;
        // the muted post is in its author's own home timeline once its fan-out (to the reader too, were it not muted) ran.
        await feed.WaitForAsync("commentAdded", friendsComment);
        await Eventually.ReadAsync(() => muted.HomeTimelineAsync(), items => items.Any(post => ApiAssert.String(post, "id") == mutedPost), "the muted post fanned out");
        await feed.WaitForAsync("postAdded", friendsPost);
        Assert.DoesNotContain(feed.Received("postAdded"), post => ApiAssert.String(post, "id") == mutedPost);
        Assert.Equal([friendsComment], feed.Received("commentAdded").Select(comment => ApiAssert.String(comment, "id")));
    }

    [Fact]
    public async Task ClientCutOff_ResumesOnTheOtherInstanceWithSince_ItsViewEqualsTheServersTimeline()
    {
        var reader = await instances.First.SignUpAsync(Handles.Unique("reader"));
        string[] handles = [Handles.Unique("a"), Handles.Unique("b")];
        var authors = new[] { await instances.First.SignUpAsync(handles[0]), await instances.Second.SignUpAsync(handles[1]) };
        foreach (var handle in handles)
        {
            await ApiAssert.NoContentAsync(await reader.SendAsync(HttpMethod.Put, $"/api/users/me/following/{handle}"));
        }

        var view = new TimelineView();
        await using var feed = await FeedClient.ConnectAsync(reader);
        view.AddPage(await SocialClient.HomeTimelineAsync(reader, since: null));
        var beforeCut = await PostConcurrentlyAsync(authors, 4, "before the cut");
        foreach (var id in beforeCut)
        {
            await feed.WaitForAsync("postAdded", id);
        }

        view.Apply(feed.Messages);
        await feed.StopAsync();

        var duringCut = await PostConcurrentlyAsync(authors, 8, "while cut off");

        // Reconnect through the other instance, then fill the gap: since = the newest id seen.
        var secondReader = instances.OnSecond(reader);
        await using var resumed = await FeedClient.ConnectAsync(secondReader);
        var gap = await SocialClient.HomeTimelineAsync(secondReader, since: view.NewestId);
        Assert.Equal(gap.Count, gap.Select(p => p.GetProperty("id").GetString()).Distinct().Count());
        view.AddPage(gap);
        var afterResume = await PostConcurrentlyAsync(authors, 4, "after the resume");

        // What the gap page lacked (posts still being projected when it was read) must come as pushes, as must the rest.
        foreach (var id in duringCut.Where(id => !view.Contains(id)).Concat(afterResume))
        {
            await resumed.WaitForAsync("postAdded", id);
        }

        view.Apply(resumed.Messages);
        var server = await SocialClient.HomeTimelineAsync(reader, since: null);
        Assert.Equal(server.Select(p => p.GetProperty("id").GetString()!), view.IdsNewestFirst);
        Assert.Superset(view.IdsNewestFirst.ToHashSet(), beforeCut.Concat(duringCut).Concat(afterResume).ToHashSet());
    }

    private static async Task<List<string>> PostConcurrentlyAsync(HttpClient[] authors, int count, string text) =>
        [.. await Task.WhenAll(Enumerable.Range(0, count).Select(i => authors[i % authors.Length].CreatePostIdAsync($"{text} {i}")))];

}
