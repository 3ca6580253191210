using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Domain.Ids;
using Social.Infrastructure.ReadModels;
using Social.Testing;
using StackExchange.Redis;
using Xunit;

namespace Social.Infrastructure.Tests.ReadModels;

/// <summary>The projections' writes into Redis, against the assembly's shared Redis server (each test its own users).</summary>
public sealed class RedisProjectionStoreTests(StoresFixture stores) : IAsyncLifetime
{
    private ReadModelWorld? _world;

    private ReadModelWorld World => _world ?? throw new InvalidOperationException("not initialized");

    private RedisProjectionStore Store => World.Store;

    private RedisReadModelQueries Queries => World.Queries;

    public async ValueTask InitializeAsync() => _world = await ReadModelWorld.ConnectAsync(stores.Redis.ConnectionString);

    public async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
    }

    // ---- the version gate and the checkpoint ----

    [Fact]
    public async Task ApplyAsync_VersionsInOrder_AreAppliedAndRedeliveriesChangeNothing()
    {
        var author = World.User("author");
        var post = World.NextPostId();
        var created = new PostRecord(post, author, "hello", World.Tick(), [], []);

        Assert.True(await Store.ApplyPostCreatedAsync(post.StreamId, 1, created));
        Assert.True(await Store.ApplyLikesChangedAsync(post.StreamId, 2, post, +1));

        Assert.False(await Store.ApplyPostCreatedAsync(post.StreamId, 1, created));
        Assert.False(await Store.ApplyLikesChangedAsync(post.StreamId, 2, post, +1));
        Assert.False(await Store.ApplyLikesChangedAsync(post.StreamId, 1, post, +1));

        var view = Assert.Single((await Queries.ReadUserTimelineAsync(author, new PageRequest(10))).Items).View;
        Assert.NotNull(view);
        Assert.Equal(1, view.Likes);
        Assert.Equal(new UserCounts(0, 1), await Queries.ReadCountsAsync(author));
        Assert.Equal(2, (await Store.GetCheckpointAsync(post.StreamId)).Applied);
    }

    [Fact]
    public async Task ApplyAsync_VersionAfterGap_IsRefusedAndChangesNothing()
    {
        var author = World.User("author");
        var post = World.NextPostId();
        Assert.True(await Store.ApplyPostCreatedAsync(post.StreamId, 1, new PostRecord(post, author, "hello", World.Tick(), [], [])));
        Assert.True(await Store.ApplyLikesChangedAsync(post.StreamId, 2, post, +1));

        Assert.False(await Store.ApplyLikesChangedAsync(post.StreamId, 4, post, +1));
        Assert.False(await Store.ApplyCommentAddedAsync(post.StreamId, 4,
            new CommentRecord(CommentId.New(World.Tick()), post, author, "late", World.Tick(), [])));
        Assert.False(await Store.ApplyPostDeletedAsync(post.StreamId, 4, post, author));

        var view = Assert.Single((await Queries.ReadUserTimelineAsync(author, new PageRequest(10))).Items).View;
        Assert.NotNull(view);
        Assert.Equal((1, 0), (view.Likes, view.Comments));
        Assert.Empty((await Queries.ReadCommentsAsync(post, new PageRequest(10))).Items);
        Assert.Equal(new UserCounts(0, 1), await Queries.ReadCountsAsync(author));
        // The post's fan-out (version 1) was never marked done, so the like does not move "done" past it.
        Assert.Equal(new ProjectionCheckpoint(2, 0), await Store.GetCheckpointAsync(post.StreamId));
    }

    [Fact]
    public async Task ApplyAsync_FirstEventWithVersionTwo_IsRefused()
    {
        var user = World.User("late");

        Assert.False(await Store.ApplyProfileAsync(user.StreamId, 2, new ProfileRecord(user, "Late")));

        Assert.Equal(new ProjectionCheckpoint(0, 0), await Store.GetCheckpointAsync(user.StreamId));
        Assert.False(await World.Db.KeyExistsAsync(RedisKeys.User(user)));
    }

    [Fact]
    public async Task ApplyFollowAsync_Redelivered_FollowsOnce()
    {
        var alice = World.User("alice");
        var bob = World.User("bob");
        Assert.True(await Store.ApplyProfileAsync(alice.StreamId, 1, new ProfileRecord(alice, "Alice")));
        Assert.True(await Store.ApplyFollowAsync(alice.StreamId, 2, alice, bob));

        Assert.False(await Store.ApplyFollowAsync(alice.StreamId, 2, alice, bob));
        Assert.False(await Store.ApplyUnfollowAsync(alice.StreamId, 2, alice, bob));
        Assert.False(await Store.ApplyUnfollowAsync(alice.StreamId, 4, alice, bob));

        Assert.Equal(1, await Store.CountFollowersAsync(bob));
        Assert.Equal(new ProjectionCheckpoint(2, 1), await Store.GetCheckpointAsync(alice.StreamId));
    }

    [Fact]
    public async Task GetCheckpointAsync_UnknownStream_IsZero()
    {
        Assert.Equal(new ProjectionCheckpoint(0, 0), await Store.GetCheckpointAsync(World.User("nobody").StreamId));
    }

    [Fact]
    public async Task GetCheckpointAsync_UserStreamEvents_SideEffectsOfFollowsStayBehindUntilMarked()
    {
        var alice = World.User("alice");
        var bob = World.User("bob");
        var stream = alice.StreamId;

        Assert.True(await Store.ApplyProfileAsync(stream, 1, new ProfileRecord(alice, "Alice")));
        Assert.Equal(new ProjectionCheckpoint(1, 1), await Store.GetCheckpointAsync(stream));

        Assert.True(await Store.ApplyFollowAsync(stream, 2, alice, bob));
        Assert.Equal(new ProjectionCheckpoint(2, 1), await Store.GetCheckpointAsync(stream));
        await Store.MarkSideEffectsDoneAsync(stream, 2);
        Assert.Equal(new ProjectionCheckpoint(2, 2), await Store.GetCheckpointAsync(stream));

        Assert.True(await Store.ApplyProfileAsync(stream, 3, new ProfileRecord(alice, "Alice B.")));
        Assert.Equal(new ProjectionCheckpoint(3, 3), await Store.GetCheckpointAsync(stream));

        Assert.True(await Store.ApplyUnfollowAsync(stream, 4, alice, bob));
        Assert.Equal(new ProjectionCheckpoint(4, 3), await Store.GetCheckpointAsync(stream));
        await Store.MarkSideEffectsDoneAsync(stream, 4);
        Assert.Equal(new ProjectionCheckpoint(4, 4), await Store.GetCheckpointAsync(stream));

        Assert.True(await Store.ApplyNothingAsync(stream, 5));
        Assert.Equal(new ProjectionCheckpoint(5, 5), await Store.GetCheckpointAsync(stream));
    }

    [Fact]
    public async Task GetCheckpointAsync_PostStreamEvents_SideEffectsStayBehindUntilMarked()
    {
        var author = World.User("author");
        var post = World.NextPostId();
        var stream = post.StreamId;

        Assert.True(await Store.ApplyPostCreatedAsync(stream, 1, new PostRecord(post, author, "hello", World.Tick(), [], [])));
        Assert.Equal(new ProjectionCheckpoint(1, 0), await Store.GetCheckpointAsync(stream));
        await Store.MarkSideEffectsDoneAsync(stream, 1);
        Assert.Equal(new ProjectionCheckpoint(1, 1), await Store.GetCheckpointAsync(stream));

        var comment = CommentId.New(World.Tick());
        Assert.True(await Store.ApplyCommentAddedAsync(stream, 2, new CommentRecord(comment, post, author, "first", World.Tick(), [])));
        Assert.Equal(new ProjectionCheckpoint(2, 1), await Store.GetCheckpointAsync(stream)); // the push to the post's author
        await Store.MarkSideEffectsDoneAsync(stream, 2);
        Assert.True(await Store.ApplyLikesChangedAsync(stream, 3, post, +1));
        Assert.Equal(new ProjectionCheckpoint(3, 2), await Store.GetCheckpointAsync(stream)); // the notification of the post's author
        await Store.MarkSideEffectsDoneAsync(stream, 3);
        Assert.True(await Store.ApplyCommentDeletedAsync(stream, 4, post, comment));
        Assert.Equal(new ProjectionCheckpoint(4, 3), await Store.GetCheckpointAsync(stream)); // withdrawing the comment's notifications
        await Store.MarkSideEffectsDoneAsync(stream, 4);

        Assert.True(await Store.ApplyPostDeletedAsync(stream, 5, post, author));
        Assert.Equal(new ProjectionCheckpoint(5, 4), await Store.GetCheckpointAsync(stream));
        await Store.MarkSideEffectsDoneAsync(stream, 5);
        Assert.Equal(new ProjectionCheckpoint(5, 5), await Store.GetCheckpointAsync(stream));
    }

    // ---- posts, comments, likes ----

    [Fact]
    public async Task ApplyPostCreatedAsync_NewPost_StoresViewAuthorTimelineAndCount()
    {
        var author = await World.RegisterAsync("author", "The Author");
        var post = World.NextPostId();
        var at = World.Tick();

        Assert.True(await Store.ApplyPostCreatedAsync(post.StreamId, 1, new PostRecord(post, author, "Hello, world", at, [], [])));

        var entry = Assert.Single((await Queries.ReadUserTimelineAsync(author, new PageRequest(10))).Items);
        Assert.Equal(post.Value, entry.PostId);
        Assert.Equal(new PostView(post.Value, new UserSummary(author.Value, "The Author"), "Hello, world", at, 0, 0, [], []),
            entry.View);
        Assert.Equal(new UserCounts(0, 1), await Queries.ReadCountsAsync(author));
    }

    [Fact]
    public async Task ApplyPostDeletedAsync_PostWithComments_LeavesTombstoneAndTakesItOutOfTimelineCountAndComments()
    {
        var author = World.User("author");
        var kept = await World.PostAsync(author);
        var post = await World.PostAsync(author);
        var comments = new[] { await World.CommentAsync(post, author), await World.CommentAsync(post, World.User("other")) };
        var keptComment = await World.CommentAsync(kept, author);
        Assert.Equal(new UserCounts(0, 2), await Queries.ReadCountsAsync(author));

        Assert.True(await Store.ApplyPostDeletedAsync(post.StreamId, World.NextVersion(post.StreamId), post, author));

        var timeline = await Queries.ReadUserTimelineAsync(author, new PageRequest(10));
        Assert.Equal([kept.Value], timeline.Items.Select(i => i.PostId));
        Assert.Equal(new UserCounts(0, 1), await Queries.ReadCountsAsync(author));
        Assert.Empty((await Queries.ReadCommentsAsync(post, new PageRequest(10))).Items);
        foreach (var comment in comments)
        {
            Assert.False(await World.Db.KeyExistsAsync(RedisKeys.Comment(comment)), $"comment {comment} is still stored");
        }

        Assert.False(await World.Db.KeyExistsAsync(RedisKeys.Comments(post)));
        var tombstone = await World.Db.HashGetAllAsync(RedisKeys.Post(post));
        Assert.Equal([new HashEntry("deleted", 1)], tombstone);
        // The other post's comments are untouched.
        Assert.Equal([keptComment.Value], (await Queries.ReadCommentsAsync(kept, new PageRequest(10))).Items.Select(c => c.Id));
    }

    [Fact]
    public async Task ApplyCommentAddedAndDeletedAsync_Comments_ChangeCommentPageAndCount()
    {
        var author = World.User("author");
        var post = await World.PostAsync(author);
        var first = await World.CommentAsync(post, author);
        var second = await World.CommentAsync(post, author);
        var third = await World.CommentAsync(post, author);

        Assert.True(await Store.ApplyCommentDeletedAsync(post.StreamId, World.NextVersion(post.StreamId), post, second));

        Assert.Equal([first.Value, third.Value], (await Queries.ReadCommentsAsync(post, new PageRequest(10))).Items.Select(c => c.Id));
        Assert.False(await World.Db.KeyExistsAsync(RedisKeys.Comment(second)));
        var view = Assert.Single((await Queries.ReadUserTimelineAsync(author, new PageRequest(10))).Items).View;
        Assert.Equal(2, view?.Comments);
    }

    [Fact]
    public async Task ApplyLikesChangedAsync_LikesAndUnlikes_ChangeTheCount()
    {
        var author = World.User("author");
        var post = await World.PostAsync(author);

        foreach (var delta in new[] { +1, +1, +1, -1 })
        {
            Assert.True(await Store.ApplyLikesChangedAsync(post.StreamId, World.NextVersion(post.StreamId), post, delta));
        }

        var view = Assert.Single((await Queries.ReadUserTimelineAsync(author, new PageRequest(10))).Items).View;
        Assert.Equal(2, view?.Likes);
    }

    [Fact]
    public async Task ApplyPostCreatedAsync_MoreThanCapacity_UserTimelineKeepsNewest()
    {
        await using var world = await ReadModelWorld.ConnectAsync(stores.Redis.ConnectionString, new TimelineOptions { Capacity = 5 });
        var author = world.User("author");
        var posts = new List<PostId>();
        for (var i = 0; i < 8; i++)
        {
            posts.Add(await world.PostAsync(author));
        }

        var ids = (await world.Queries.ReadUserTimelineAsync(author, new PageRequest(100))).Items.Select(i => i.PostId);
        Assert.Equal(posts.TakeLast(5).Reverse().Select(p => p.Value), ids);
        Assert.Equal(new UserCounts(0, 8), await world.Queries.ReadCountsAsync(author));
    }

    // ---- fan-out ----

    [Fact]
    public async Task AddToHomeTimelinesAsync_MoreReadersThanOneBatch_PutsPostInEveryHomeTimeline()
    {
        var author = World.User("author");
        var readers = Enumerable.Range(0, 2500).Select(i => World.User($"r{i}")).ToList();
        var post = World.NextPostId();
        var other = World.User("bystander");

        await Store.AddToHomeTimelinesAsync(readers, post);

        Assert.All(await HomeScoresAsync(readers, post), score => Assert.Equal(0, score));
        Assert.Null(await World.Db.SortedSetScoreAsync(RedisKeys.HomeTimeline(other), post.Value));
        Assert.Null(await World.Db.SortedSetScoreAsync(RedisKeys.HomeTimeline(author), post.Value));

        await Store.AddToHomeTimelinesAsync(readers, post);
        Assert.All(await Task.WhenAll(readers.Select(r => World.Db.SortedSetLengthAsync(RedisKeys.HomeTimeline(r)))), n => Assert.Equal(1, n));

        await Store.RemoveFromHomeTimelinesAsync(readers, post);

        Assert.All(await HomeScoresAsync(readers, post), Assert.Null);
    }

    [Fact]
    public async Task AddToHomeTimelinesAsync_SmallBatches_ReachesEveryReaderUpToTheLastPartialBatch()
    {
        await using var world = await ReadModelWorld.ConnectAsync(stores.Redis.ConnectionString, new TimelineOptions { FanOutBatchSize = 7 });
        var readers = Enumerable.Range(0, 23).Select(i => world.User($"r{i}")).ToList();
        var post = world.NextPostId();

        await world.Store.AddToHomeTimelinesAsync(readers, post);
        foreach (var reader in readers)
        {
            Assert.Equal([post.Value], await world.HomeIdsAsync(reader));
        }

        await world.Store.RemoveFromHomeTimelinesAsync(readers, post);
        foreach (var reader in readers)
        {
            Assert.Empty(await world.HomeIdsAsync(reader));
        }
    }

    [Fact]
    public async Task AddToHomeTimelinesAsync_NoReaders_DoesNothing()
    {
        await Store.AddToHomeTimelinesAsync([], World.NextPostId());
        await Store.RemoveFromHomeTimelinesAsync([], World.NextPostId());
    }

    [Fact]
    public async Task RemoveFromHomeTimelinesAsync_OnePost_LeavesTheOthers()
    {
        var reader = World.User("reader");
        var first = World.NextPostId();
        var second = World.NextPostId();
        await Store.AddToHomeTimelinesAsync([reader], first);
        await Store.AddToHomeTimelinesAsync([reader], second);

        await Store.RemoveFromHomeTimelinesAsync([reader], first);

        Assert.Equal([second.Value], await World.HomeIdsAsync(reader));
    }

    [Fact]
    public async Task AddToHomeTimelinesAsync_MoreThanCapacity_KeepsNewestIds()
    {
        await using var world = await ReadModelWorld.ConnectAsync(stores.Redis.ConnectionString, new TimelineOptions { Capacity = 5 });
        var readers = new[] { world.User("a"), world.User("b") };
        var posts = Enumerable.Range(0, 9).Select(_ => world.NextPostId()).ToList();

        // Out of order, as a backfill and fan-outs can arrive.
        foreach (var post in posts.OrderBy(_ => Random.Shared.Next()))
        {
            await world.Store.AddToHomeTimelinesAsync(readers, post);
        }

        foreach (var reader in readers)
        {
            Assert.Equal(posts.TakeLast(5).Reverse().Select(p => p.Value), await world.HomeIdsAsync(reader));
        }
    }

    [Fact]
    public async Task ReadFollowersInBatchesAsync_MoreFollowersThanOneBatch_ReturnsEachOnceInBatches()
    {
        var author = World.User("star");
        var followers = await FollowManyAsync(author, Enumerable.Range(0, 2500).Select(i => World.User($"f{i:D4}")));

        var batches = new List<IReadOnlyList<UserId>>();
        await foreach (var batch in Store.ReadFollowersInBatchesAsync(author, 1000))
        {
            batches.Add(batch);
        }

        Assert.Equal([1000, 1000, 500], batches.Select(b => b.Count));
        var all = batches.SelectMany(b => b).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(followers.ToHashSet(), all.ToHashSet());
        Assert.Equal(2500, await Store.CountFollowersAsync(author));
    }

    [Fact]
    public async Task ReadFollowersInBatchesAsync_ExactMultipleOfBatch_EndsWithoutEmptyBatch()
    {
        var author = World.User("star");
        var followers = await FollowManyAsync(author, Enumerable.Range(0, 20).Select(i => World.User($"f{i:D2}")));

        var batches = new List<IReadOnlyList<UserId>>();
        await foreach (var batch in Store.ReadFollowersInBatchesAsync(author, 10))
        {
            batches.Add(batch);
        }

        Assert.Equal([10, 10], batches.Select(b => b.Count));
        Assert.Equal(followers.ToHashSet(), batches.SelectMany(b => b).ToHashSet());
    }

    [Fact]
    public async Task ReadFollowersInBatchesAsync_NoFollowers_ReturnsNoBatch()
    {
        await foreach (var batch in Store.ReadFollowersInBatchesAsync(World.User("lonely"), 1000))
        {
            Assert.Fail($"a batch of {batch.Count} for a user nobody follows");
        }
    }

    [Fact]
    public async Task ReadFollowersInBatchesAsync_FollowersAddedAndRemovedMeanwhile_NoDuplicatesAndNoneOfTheOthersMissed()
    {
        var author = World.User("star");
        var followers = await FollowManyAsync(author, Enumerable.Range(0, 2500).Select(i => World.User($"f{i:D4}")));
        var removed = new HashSet<UserId>();
        var added = 0;

        var seen = new List<UserId>();
        var seenSet = new HashSet<UserId>();
        await foreach (var batch in Store.ReadFollowersInBatchesAsync(author, 1000))
        {
            seen.AddRange(batch);
            seenSet.UnionWith(batch);
            // New followers sort before, among and after those read so far; some followers leave.
            await FollowManyAsync(author, Enumerable.Range(0, 300).Select(i => World.User($"{(char)('a' + (i % 26))}{added + i:D4}")));
            added += 300;
            foreach (var gone in followers.Where(f => !seenSet.Contains(f) && !removed.Contains(f)).Take(10).ToList())
            {
                removed.Add(gone);
                Assert.True(await Store.ApplyUnfollowAsync(gone.StreamId, World.NextVersion(gone.StreamId), gone, author));
            }
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(followers.Where(f => !removed.Contains(f)).Except(seen));
    }

    // ---- follow backfill and unfollow removal ----

    [Fact]
    public async Task MergeIntoHomeTimelineAsync_AuthorWithManyPosts_MergesOnlyNewestAndKeepsTheRest()
    {
        var reader = World.User("reader");
        var author = World.User("author");
        var other = World.User("other");
        var posts = new List<PostId>();
        for (var i = 0; i < 10; i++)
        {
            posts.Add(await World.PostAsync(author));
        }

        var own = await World.PostAsync(other, reader);

        await Store.MergeIntoHomeTimelineAsync(reader, author, 4);

        var expected = posts.TakeLast(4).Append(own).Select(p => p.Value).OrderDescending(StringComparer.Ordinal);
        Assert.Equal(expected, await World.HomeIdsAsync(reader));

        await Store.MergeIntoHomeTimelineAsync(reader, author, 4);
        Assert.Equal(expected, await World.HomeIdsAsync(reader));
    }

    [Fact]
    public async Task MergeIntoHomeTimelineAsync_BeyondCapacity_KeepsNewest()
    {
        await using var world = await ReadModelWorld.ConnectAsync(stores.Redis.ConnectionString, new TimelineOptions { Capacity = 5 });
        var reader = world.User("reader");
        var author = world.User("author");
        var older = new List<PostId>();
        for (var i = 0; i < 3; i++)
        {
            older.Add(await world.PostAsync(world.User("other"), reader));
        }

        var posts = new List<PostId>();
        for (var i = 0; i < 4; i++)
        {
            posts.Add(await world.PostAsync(author));
        }

        await world.Store.MergeIntoHomeTimelineAsync(reader, author, 10);

        Assert.Equal(older.Concat(posts).TakeLast(5).Reverse().Select(p => p.Value), await world.HomeIdsAsync(reader));
    }

    [Fact]
    public async Task RemoveAuthorFromHomeTimelineAsync_AfterUnfollow_RemovesOnlyThatAuthorsPosts()
    {
        var reader = World.User("reader");
        var author = World.User("author");
        var other = World.User("other");
        var authors = new List<PostId>();
        var others = new List<PostId>();
        for (var i = 0; i < 3; i++)
        {
            authors.Add(await World.PostAsync(author, reader));
            others.Add(await World.PostAsync(other, reader));
        }

        await Store.RemoveAuthorFromHomeTimelineAsync(reader, author);

        Assert.Equal(others.AsEnumerable().Reverse().Select(p => p.Value), await World.HomeIdsAsync(reader));
        Assert.Equal(3, (await Queries.ReadUserTimelineAsync(author, new PageRequest(10))).Items.Count);
    }

    [Fact]
    public async Task SetMergedAtReadTimeAsync_OnAndOff_ChangesTheSet()
    {
        var author = World.User("star");

        await Store.SetMergedAtReadTimeAsync(author, true);
        Assert.True(await World.Db.SetContainsAsync(RedisKeys.MergedAtRead, author.Value));

        await Store.SetMergedAtReadTimeAsync(author, false);
        Assert.False(await World.Db.SetContainsAsync(RedisKeys.MergedAtRead, author.Value));
    }

    private async Task<List<UserId>> FollowManyAsync(UserId followee, IEnumerable<UserId> followers)
    {
        var list = followers.ToList();
        var applied = await Task.WhenAll(list.Select(f => Store.ApplyFollowAsync(f.StreamId, World.NextVersion(f.StreamId), f, followee)));
        Assert.All(applied, Assert.True);
        return list;
    }

    private async Task<double?[]> HomeScoresAsync(IEnumerable<UserId> readers, PostId post) =>
        await Task.WhenAll(readers.Select(r => World.Db.SortedSetScoreAsync(RedisKeys.HomeTimeline(r), post.Value)));
}
