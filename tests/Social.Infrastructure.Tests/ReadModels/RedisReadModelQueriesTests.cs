using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Domain.Ids;
using Social.Infrastructure.ReadModels;
using Social.Testing;
using Xunit;

namespace Social.Infrastructure.Tests.ReadModels;

/// <summary>The pages clients read from Redis, against the assembly's shared Redis server (each test its own users).</summary>
public sealed class RedisReadModelQueriesTests(StoresFixture stores) : IAsyncLifetime
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

    // ---- home timeline ----

    [Fact]
    public async Task ReadHomeTimelineAsync_OwnPostsAndFollowedAuthors_NewestFirstWithViews()
    {
        var (reader, a, b) = await World.ReaderFollowingTwoAsync();
        var posts = new List<PostId>();
        for (var i = 0; i < 3; i++)
        {
            posts.Add(await World.PostAsync(a, reader));
            posts.Add(await World.PostAsync(b, reader));
            posts.Add(await World.PostAsync(reader));
        }

        var page = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20));

        Assert.Equal(Newest(posts), page.Items.Select(i => i.PostId));
        Assert.Null(page.NextCursor);
        Assert.All(page.Items, item =>
        {
            Assert.NotNull(item.View);
            Assert.Equal(item.PostId, item.View.Id);
            Assert.Equal($"text of {item.PostId}", item.View.Text);
            Assert.Equal(PostId.TryParse(item.PostId, out var id) ? id.CreatedAt : default, item.View.CreatedAt);
        });
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_CursorWalk_ReturnsEveryPostOnceWithoutGaps()
    {
        var (reader, a, b) = await World.ReaderFollowingTwoAsync();
        var posts = new List<PostId>();
        for (var i = 0; i < 25; i++)
        {
            posts.Add(await World.PostAsync(i % 3 == 0 ? a : i % 3 == 1 ? b : reader, reader));
        }

        var pages = await ReadModelWorld.WalkAsync(p => Queries.ReadHomeTimelineAsync(reader, p), limit: 7);

        Assert.Equal([7, 7, 7, 4], pages.Select(p => p.Items.Count));
        Assert.Equal(Newest(posts), pages.SelectMany(p => p.Items).Select(i => i.PostId));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(100)]
    public async Task ReadHomeTimelineAsync_Limit_IsRespectedAndExactFitHasNoNextCursor(int limit)
    {
        var reader = World.User("reader");
        var posts = new List<PostId>();
        for (var i = 0; i < limit; i++)
        {
            posts.Add(await World.PostAsync(reader));
        }

        var exact = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(limit));
        Assert.Equal(Newest(posts), exact.Items.Select(i => i.PostId));
        Assert.Null(exact.NextCursor);

        posts.Add(await World.PostAsync(reader));
        var first = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(limit));
        Assert.Equal(Newest(posts).Take(limit), first.Items.Select(i => i.PostId));
        Assert.NotNull(first.NextCursor);
        var rest = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(limit, first.NextCursor));
        Assert.Equal([posts[0].Value], rest.Items.Select(i => i.PostId));
        Assert.Null(rest.NextCursor);
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_EmptyTimeline_EmptyPageWithoutCursor()
    {
        var page = await Queries.ReadHomeTimelineAsync(World.User("newcomer"), new PageRequest(20));

        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_PostsAddedDuringWalk_NothingDuplicatedOrSkipped()
    {
        var (reader, a, b) = await World.ReaderFollowingTwoAsync();
        var before = new List<PostId>();
        for (var i = 0; i < 20; i++)
        {
            before.Add(await World.PostAsync(i % 2 == 0 ? a : b, reader));
        }

        var during = new List<PostId>();
        var pages = await ReadModelWorld.WalkAsync(p => Queries.ReadHomeTimelineAsync(reader, p), limit: 3,
            betweenPages: async _ =>
            {
                during.Add(await World.PostAsync(a, reader));
                during.Add(await World.PostAsync(reader));
            });

        var walked = pages.SelectMany(p => p.Items).Select(i => i.PostId).ToList();
        Assert.Equal(walked.Count, walked.Distinct().Count());
        Assert.Equal(Newest(before), walked.Where(id => !during.Any(p => p.Value == id)));
        Assert.Equal(walked.OrderDescending(StringComparer.Ordinal), walked);
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_Since_ReturnsOnlyNewerPosts()
    {
        var reader = World.User("reader");
        var posts = new List<PostId>();
        for (var i = 0; i < 10; i++)
        {
            posts.Add(await World.PostAsync(reader));
        }

        var page = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20, Since: posts[3].Value));

        Assert.Equal(Newest(posts.Skip(4)), page.Items.Select(i => i.PostId));
        Assert.Null(page.NextCursor);
        Assert.Empty((await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20, Since: posts[^1].Value))).Items);
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_SinceWithCursorWalk_ReturnsExactlyPostsNewerThanSince()
    {
        var (reader, a, b) = await World.ReaderFollowingTwoAsync();
        var posts = new List<PostId>();
        for (var i = 0; i < 17; i++)
        {
            posts.Add(await World.PostAsync(i % 2 == 0 ? a : b, reader));
        }

        var pages = await ReadModelWorld.WalkAsync(p => Queries.ReadHomeTimelineAsync(reader, p), limit: 4, since: posts[5].Value);

        Assert.Equal(Newest(posts.Skip(6)), pages.SelectMany(p => p.Items).Select(i => i.PostId));
        Assert.Equal([4, 4, 3], pages.Select(p => p.Items.Count));
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_TombstonedPosts_SkippedAndWalkGoesOn()
    {
        var reader = World.User("reader");
        var author = World.User("author");
        await World.FollowAsync(reader, author);
        var posts = new List<PostId>();
        for (var i = 0; i < 6; i++)
        {
            posts.Add(await World.PostAsync(author, reader));
        }

        // Deleted, but the fan-out has not yet taken them out of the home timeline.
        foreach (var deleted in new[] { posts[3], posts[4] })
        {
            Assert.True(await Store.ApplyPostDeletedAsync(deleted.StreamId, World.NextVersion(deleted.StreamId), deleted, author));
        }

        var pages = await ReadModelWorld.WalkAsync(p => Queries.ReadHomeTimelineAsync(reader, p), limit: 2);

        Assert.Equal(Newest([posts[0], posts[1], posts[2], posts[5]]), pages.SelectMany(p => p.Items).Select(i => i.PostId));
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_PostsOfAuthorsNotFollowed_Skipped()
    {
        var (reader, a, b) = await World.ReaderFollowingTwoAsync();
        var stranger = World.User("stranger");
        var kept = new List<PostId>
        {
            await World.PostAsync(a, reader),
            await World.PostAsync(reader),
        };
        // A stray entry of someone the reader never followed, and posts of an author they unfollowed whose removal
        // has not run yet.
        await World.PostAsync(stranger, reader);
        var ofB = await World.PostAsync(b, reader);
        await World.UnfollowAsync(reader, b, removePosts: false);
        kept.Add(await World.PostAsync(a, reader));

        var page = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20));

        Assert.Equal(Newest(kept), page.Items.Select(i => i.PostId));
        Assert.Contains(ofB.Value, await World.HomeIdsAsync(reader));
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_PostWithoutView_ComesBackWithNullView()
    {
        var reader = World.User("reader");
        var author = World.User("author");
        await World.FollowAsync(reader, author);
        var before = await World.PostAsync(author, reader);
        var lost = await World.PostAsync(author, reader);
        var after = await World.PostAsync(author, reader);
        await World.Db.KeyDeleteAsync(RedisKeys.Post(lost));
        var neverStored = World.NextPostId();
        await Store.AddToHomeTimelinesAsync([reader], neverStored);

        var page = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20));

        Assert.Equal(Newest([before, lost, after, neverStored]), page.Items.Select(i => i.PostId));
        Assert.Null(page.Items.Single(i => i.PostId == lost.Value).View);
        Assert.Null(page.Items.Single(i => i.PostId == neverStored.Value).View);
        Assert.NotNull(page.Items.Single(i => i.PostId == before.Value).View);
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_AuthorsProfile_GivesDisplayNameAndUnknownProfileGivesHandle()
    {
        var reader = await World.RegisterAsync("reader", "Reader");
        var named = await World.RegisterAsync("named", "Named Person");
        var unnamed = World.User("unnamed");
        await World.FollowAsync(reader, named);
        await World.FollowAsync(reader, unnamed);
        var p1 = await World.PostAsync(named, reader);
        var p2 = await World.PostAsync(unnamed, reader);

        var page = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20));
        Assert.Equal(new UserSummary(named.Value, "Named Person"), page.Items.Single(i => i.PostId == p1.Value).View?.Author);
        Assert.Equal(new UserSummary(unnamed.Value, unnamed.Value), page.Items.Single(i => i.PostId == p2.Value).View?.Author);

        Assert.True(await Store.ApplyProfileAsync(named.StreamId, World.NextVersion(named.StreamId), new ProfileRecord(named, "Renamed")));
        page = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20));
        Assert.Equal(new UserSummary(named.Value, "Renamed"), page.Items.Single(i => i.PostId == p1.Value).View?.Author);
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_ViewCounts_ComeFromTheReadModel()
    {
        var reader = World.User("reader");
        var post = await World.PostAsync(reader);
        await World.CommentAsync(post, reader);
        Assert.True(await Store.ApplyLikesChangedAsync(post.StreamId, World.NextVersion(post.StreamId), post, +1));

        var view = Assert.Single((await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20))).Items).View;

        Assert.Equal((1, 1), (view?.Comments, view?.Likes));
    }

    // ---- hybrid: authors merged at read time ----

    [Fact]
    public async Task ReadHomeTimelineAsync_MergedAuthorFollowed_InterleavedInOrderAcrossPagesEachOnce()
    {
        var reader = World.User("reader");
        var a = World.User("a");
        var star = World.User("star");
        await World.FollowAsync(reader, a);
        await World.FollowAsync(reader, star);
        await Store.SetMergedAtReadTimeAsync(star, true);
        var posts = new List<PostId>();
        foreach (var i in Enumerable.Range(0, 30))
        {
            // The star's posts reach only the star's own timelines; the others are fanned out to the reader.
            posts.Add((i % 5) switch
            {
                0 or 2 or 3 => await World.PostAsync(star),
                1 => await World.PostAsync(a, reader),
                _ => await World.PostAsync(reader),
            });
        }

        foreach (var limit in new[] { 1, 4, 7, 30, 100 })
        {
            var pages = await ReadModelWorld.WalkAsync(p => Queries.ReadHomeTimelineAsync(reader, p), limit);

            Assert.Equal(Newest(posts), pages.SelectMany(p => p.Items).Select(i => i.PostId));
            Assert.All(pages.SkipLast(1), page => Assert.Equal(limit, page.Items.Count));
            Assert.All(pages.SelectMany(p => p.Items), item => Assert.NotNull(item.View));
        }
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_MergedAuthorPostsAddedDuringWalk_NothingDuplicatedOrSkipped()
    {
        var reader = World.User("reader");
        var a = World.User("a");
        var star = World.User("star");
        await World.FollowAsync(reader, a);
        await World.FollowAsync(reader, star);
        await Store.SetMergedAtReadTimeAsync(star, true);
        var before = new List<PostId>();
        for (var i = 0; i < 15; i++)
        {
            before.Add(i % 3 == 0 ? await World.PostAsync(a, reader) : await World.PostAsync(star));
        }

        var during = new List<PostId>();
        var pages = await ReadModelWorld.WalkAsync(p => Queries.ReadHomeTimelineAsync(reader, p), limit: 4,
            betweenPages: async _ =>
            {
                during.Add(await World.PostAsync(star));
                during.Add(await World.PostAsync(a, reader));
            });

        var walked = pages.SelectMany(p => p.Items).Select(i => i.PostId).ToList();
        Assert.Equal(walked.Count, walked.Distinct().Count());
        Assert.Equal(Newest(before), walked.Where(id => !during.Any(p => p.Value == id)));
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_MergedAuthorNotFollowed_NotInTheReadersPages()
    {
        var reader = World.User("reader");
        var a = World.User("a");
        var star = World.User("star");
        await World.FollowAsync(reader, a);
        await Store.SetMergedAtReadTimeAsync(star, true);
        var expected = new List<PostId>();
        for (var i = 0; i < 5; i++)
        {
            await World.PostAsync(star);
            expected.Add(await World.PostAsync(a, reader));
        }

        var pages = await ReadModelWorld.WalkAsync(p => Queries.ReadHomeTimelineAsync(reader, p), limit: 2);

        Assert.Equal(Newest(expected), pages.SelectMany(p => p.Items).Select(i => i.PostId));
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_MergedAuthorUnfollowed_PostsLeaveThePages()
    {
        var reader = World.User("reader");
        var star = World.User("star");
        await World.FollowAsync(reader, star);
        await Store.SetMergedAtReadTimeAsync(star, true);
        await World.PostAsync(star);
        var own = await World.PostAsync(reader);

        await World.UnfollowAsync(reader, star);

        Assert.Equal([own.Value], (await Queries.ReadHomeTimelineAsync(reader, new PageRequest(20))).Items.Select(i => i.PostId));
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_PostBothFannedOutAndOfMergedAuthor_AppearsOnce()
    {
        var reader = World.User("reader");
        var star = World.User("star");
        await World.FollowAsync(reader, star);
        var posts = new List<PostId>();
        // Fanned out while the star was an ordinary author, then merged at read time: the older posts are in both.
        for (var i = 0; i < 6; i++)
        {
            posts.Add(await World.PostAsync(star, reader));
        }

        await Store.SetMergedAtReadTimeAsync(star, true);
        for (var i = 0; i < 6; i++)
        {
            posts.Add(await World.PostAsync(star));
        }

        foreach (var limit in new[] { 1, 2, 5, 12, 20 })
        {
            var pages = await ReadModelWorld.WalkAsync(p => Queries.ReadHomeTimelineAsync(reader, p), limit);

            Assert.Equal(Newest(posts), pages.SelectMany(p => p.Items).Select(i => i.PostId));
            Assert.All(pages.SkipLast(1), page => Assert.Equal(limit, page.Items.Count));
        }
    }

    [Fact]
    public async Task ReadHomeTimelineAsync_MergedAuthorWithSince_OnlyNewerPostsOfBothSources()
    {
        var reader = World.User("reader");
        var a = World.User("a");
        var star = World.User("star");
        await World.FollowAsync(reader, a);
        await World.FollowAsync(reader, star);
        await Store.SetMergedAtReadTimeAsync(star, true);
        var posts = new List<PostId>();
        for (var i = 0; i < 8; i++)
        {
            posts.Add(await World.PostAsync(star));
            posts.Add(await World.PostAsync(a, reader));
        }

        var pages = await ReadModelWorld.WalkAsync(p => Queries.ReadHomeTimelineAsync(reader, p), limit: 3, since: posts[6].Value);

        Assert.Equal(Newest(posts.Skip(7)), pages.SelectMany(p => p.Items).Select(i => i.PostId));
    }

    // ---- user timeline ----

    [Fact]
    public async Task ReadUserTimelineAsync_CursorWalk_NewestFirstEachOnce()
    {
        var author = await World.RegisterAsync("author", "The Author");
        var posts = new List<PostId>();
        for (var i = 0; i < 10; i++)
        {
            posts.Add(await World.PostAsync(author));
        }

        await World.PostAsync(World.User("other"));

        var pages = await ReadModelWorld.WalkAsync(p => Queries.ReadUserTimelineAsync(author, p), limit: 3);

        Assert.Equal([3, 3, 3, 1], pages.Select(p => p.Items.Count));
        Assert.Equal(Newest(posts), pages.SelectMany(p => p.Items).Select(i => i.PostId));
        Assert.All(pages.SelectMany(p => p.Items), i => Assert.Equal(new UserSummary(author.Value, "The Author"), i.View?.Author));
    }

    [Fact]
    public async Task ReadUserTimelineAsync_SinceAndDeletedAndLostViews_FilteredAndFlagged()
    {
        var author = World.User("author");
        var posts = new List<PostId>();
        for (var i = 0; i < 6; i++)
        {
            posts.Add(await World.PostAsync(author));
        }

        await World.DeletePostAsync(posts[4], author);
        await World.Db.KeyDeleteAsync(RedisKeys.Post(posts[3]));

        var page = await Queries.ReadUserTimelineAsync(author, new PageRequest(20, Since: posts[1].Value));

        Assert.Equal(Newest([posts[2], posts[3], posts[5]]), page.Items.Select(i => i.PostId));
        Assert.Null(page.Items.Single(i => i.PostId == posts[3].Value).View);
        Assert.Null(page.NextCursor);
    }

    // ---- comments ----

    [Fact]
    public async Task ReadCommentsAsync_CursorWalk_OldestFirstEachOnceWithViews()
    {
        var author = await World.RegisterAsync("author", "Post Author");
        var commenter = await World.RegisterAsync("commenter", "Commenter");
        var post = await World.PostAsync(author);
        var other = await World.PostAsync(author);
        await World.CommentAsync(other, commenter);
        var comments = new List<CommentId>();
        for (var i = 0; i < 7; i++)
        {
            comments.Add(await World.CommentAsync(post, i % 2 == 0 ? commenter : author, $"comment {i}"));
        }

        var pages = new List<Page<CommentView>>();
        string? cursor = null;
        do
        {
            var page = await Queries.ReadCommentsAsync(post, new PageRequest(3, cursor));
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null && pages.Count < 100);

        Assert.Equal([3, 3, 1], pages.Select(p => p.Items.Count));
        var all = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(comments.Select(c => c.Value), all.Select(c => c.Id));
        Assert.Equal(new CommentView(comments[0].Value, post.Value, new UserSummary(commenter.Value, "Commenter"), "comment 0", comments[0].CreatedAt, []),
            all[0]);
        Assert.Equal(new UserSummary(author.Value, "Post Author"), all[1].Author);
    }

    [Fact]
    public async Task ReadCommentsAsync_ExactlyLimitAndNone_NoNextCursor()
    {
        var author = World.User("author");
        var post = await World.PostAsync(author);

        var empty = await Queries.ReadCommentsAsync(post, new PageRequest(2));
        Assert.Empty(empty.Items);
        Assert.Null(empty.NextCursor);

        await World.CommentAsync(post, author);
        await World.CommentAsync(post, author);
        var exact = await Queries.ReadCommentsAsync(post, new PageRequest(2));
        Assert.Equal(2, exact.Items.Count);
        Assert.Null(exact.NextCursor);
        Assert.Equal(author.Value, exact.Items[0].Author.DisplayName);
    }

    // ---- follow lists and counts ----

    [Fact]
    public async Task ReadUserListAsync_Followers_ByHandleWithDisplayNamesCursorWalk()
    {
        var star = World.User("star");
        var followers = new List<UserId>();
        foreach (var name in new[] { "eve", "bob", "dan", "alice", "carol" })
        {
            var follower = await World.RegisterAsync(name, name.ToUpperInvariant());
            await World.FollowAsync(follower, star);
            followers.Add(follower);
        }

        var unnamed = World.User("zed");
        await World.FollowAsync(unnamed, star);
        await World.FollowAsync(followers[0], World.User("elsewhere"));

        var pages = new List<Page<UserSummary>>();
        string? cursor = null;
        do
        {
            var page = await Queries.ReadUserListAsync(star, UserList.Followers, new PageRequest(2, cursor));
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null && pages.Count < 100);

        Assert.Equal([2, 2, 2], pages.Select(p => p.Items.Count));
        var expected = followers
            .Select(f => new UserSummary(f.Value, f.Value.Split('_')[0].ToUpperInvariant()))
            .Append(new UserSummary(unnamed.Value, unnamed.Value))
            .OrderBy(s => s.Handle, StringComparer.Ordinal);
        Assert.Equal(expected, pages.SelectMany(p => p.Items));
    }

    [Fact]
    public async Task ReadUserListAsync_FollowingAfterUnfollow_ListsTheRest()
    {
        var user = World.User("user");
        var b = await World.RegisterAsync("b", "Bee");
        var a = await World.RegisterAsync("a", "Ay");
        var c = World.User("c");
        await World.FollowAsync(user, b);
        await World.FollowAsync(user, a);
        await World.FollowAsync(user, c);
        await World.UnfollowAsync(user, c);

        var page = await Queries.ReadUserListAsync(user, UserList.Following, new PageRequest(20));

        Assert.Equal([new UserSummary(a.Value, "Ay"), new UserSummary(b.Value, "Bee")], page.Items);
        Assert.Null(page.NextCursor);
        Assert.Empty((await Queries.ReadUserListAsync(c, UserList.Followers, new PageRequest(20))).Items);
    }

    [Fact]
    public async Task ReadCountsAsync_FollowersAndLivePosts_Counted()
    {
        var user = World.User("user");
        Assert.Equal(new UserCounts(0, 0), await Queries.ReadCountsAsync(user));

        foreach (var name in new[] { "f1", "f2", "f3" })
        {
            await World.FollowAsync(World.User(name), user);
        }

        await World.UnfollowAsync(World.User("f2"), user);
        var posts = new[] { await World.PostAsync(user), await World.PostAsync(user) };
        await World.DeletePostAsync(posts[0], user);
        await World.FollowAsync(user, World.User("f1"));

        Assert.Equal(new UserCounts(2, 1), await Queries.ReadCountsAsync(user));
    }

    // ---- helpers ----

    private static IEnumerable<string> Newest(IEnumerable<PostId> posts) =>
        posts.Select(p => p.Value).OrderDescending(StringComparer.Ordinal);
}
