using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Grains.Tests.TestHost;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.Projections;

/// <summary>A follow merges this many of the followee's posts, few enough that a test can post more.</summary>
public sealed class TimelineFixture(StoresFixture stores) : ProjectionFixture(stores)
{
    public const int FollowBackfill = 20;

    protected override void Configure(TimelineOptions options) => options.FollowBackfill = FollowBackfill;
}

/// <summary>
/// Writes go through the write grains, travel over the event-store stream provider to the projection grains, and are
/// read back through <see cref="IReadModelQueries"/>: fan-out, follow backfill, unfollow, deletion, counts and comments.
/// </summary>
public sealed class TimelineProjectionTests(TimelineFixture fixture) : IClassFixture<TimelineFixture>
{
    private ProjectionCluster Cluster => fixture.Cluster;

    private IReadModelQueries Queries => Cluster.Queries;

    [Fact]
    public async Task Post_AuthorWithFiftyFollowers_ReachesEveryFollowerAndAuthorButNoOneElse()
    {
        var users = await Cluster.RegisterAsync(52);
        var (author, stranger, followers) = (users[0], users[1], users[2..]);
        await Cluster.FollowAsync(followers, author);
        await Eventually.AssertAsync(async () => Assert.Equal(50, (await Queries.ReadCountsAsync(author)).Followers));

        var post = Ids.NewPost();
        var created = await Cluster.Post(post).CreateAsync(author, "Hello, followers");

        await Eventually.AssertAsync(async () =>
        {
            foreach (var reader in followers.Append(author))
            {
                Assert.Equal([post.Value], await Queries.HomeIdsAsync(reader));
            }
        });
        var userTimeline = await Queries.UserPostsAsync(author);
        Assert.Equal(created, Assert.Single(userTimeline).View);
        var page = await Queries.ReadHomeTimelineAsync(followers[^1], new PageRequest(PageRequest.DefaultLimit));
        Assert.Equal(created, Assert.Single(page.Items).View);
        Assert.Null(page.NextCursor);

        // Every follower has it, so the fan-out is over: it never touched anyone else.
        Assert.Empty(await Queries.HomeIdsAsync(stranger));
        Assert.Empty(await Queries.UserPostIdsAsync(followers[0]));
        Assert.Equal(new UserCounts(Followers: 50, Posts: 1), await Queries.ReadCountsAsync(author));
    }

    [Fact]
    public async Task Follow_FolloweeHasMoreThanBackfillPosts_NewestBackfillPostsMergedNewestFirst()
    {
        var (follower, followee) = await RegisterTwoAsync();
        var older = await PostSequentiallyAsync(followee, 10);
        var own = await Cluster.PostAsync(follower, "Mine, in between");
        var newer = await PostSequentiallyAsync(followee, 15);
        await Eventually.AssertAsync(async () => Assert.Equal(25, (await Queries.UserPostIdsAsync(followee)).Count));
        await Eventually.AssertAsync(async () => Assert.Equal([own.Value], await Queries.HomeIdsAsync(follower)));

        await Cluster.User(follower).FollowAsync(followee);

        var merged = older.Concat(newer).Select(p => p.Value).OrderDescending(StringComparer.Ordinal).Take(TimelineFixture.FollowBackfill);
        var expected = merged.Append(own.Value).OrderDescending(StringComparer.Ordinal).ToList();
        await Eventually.AssertAsync(async () => Assert.Equal(expected, await Queries.HomeIdsAsync(follower)));
        Assert.Equal(TimelineFixture.FollowBackfill + 1, expected.Count);
        Assert.Equal(newer[^1].Value, expected[0]);
        // The followee's five oldest posts are the ones left out.
        Assert.All(older.Take(5), p => Assert.DoesNotContain(p.Value, expected));
    }

    [Fact]
    public async Task Unfollow_FolloweePostsInHomeTimeline_RemovedAndLaterPostsNotFannedOut()
    {
        var users = await Cluster.RegisterAsync(4);
        var (reader, dropped, kept, other) = (users[0], users[1], users[2], users[3]);
        await Cluster.FollowAsync([reader, other], dropped);
        await Cluster.FollowAsync([reader], kept);
        await Eventually.AssertAsync(async () => Assert.Equal(2, (await Queries.ReadCountsAsync(dropped)).Followers));
        var droppedPosts = await PostSequentiallyAsync(dropped, 3);
        var keptPosts = await PostSequentiallyAsync(kept, 3);
        var own = await Cluster.PostAsync(reader, "Mine");
        await Eventually.AssertAsync(async () => Assert.Equal(7, (await Queries.HomeIdsAsync(reader)).Count));

        await Cluster.User(reader).UnfollowAsync(dropped);

        var expected = keptPosts.Append(own).Select(p => p.Value).OrderDescending(StringComparer.Ordinal).ToList();
        await Eventually.AssertAsync(async () => Assert.Equal(expected, await Queries.HomeIdsAsync(reader)));
        Assert.Equal([other.Value], (await Queries.FollowsAsync(dropped, UserList.Followers)).Select(u => u.Handle));
        Assert.Equal([kept.Value], (await Queries.FollowsAsync(reader, UserList.Following)).Select(u => u.Handle));
        Assert.Equal(droppedPosts.Select(p => p.Value).Reverse(), await Queries.HomeIdsAsync(other));

        // A later post of the unfollowed author reaches its remaining follower, and not the reader.
        var later = await Cluster.PostAsync(dropped, "After the unfollow");
        await Eventually.AssertAsync(async () => Assert.Contains(later.Value, await Queries.HomeIdsAsync(other)));
        Assert.Equal(expected, await Queries.HomeIdsAsync(reader));
    }

    [Fact]
    public async Task MutualFollow_BothAtOnce_BothCommitAndBothListsShowIt()
    {
        var users = await Cluster.RegisterAsync(20);
        var pairs = Enumerable.Range(0, 10).Select(i => (users[2 * i], users[(2 * i) + 1])).ToList();
        // Fresh activations, so that both follows of a pair are queued while the two grains read their streams.
        await Task.WhenAll(users.Select(u => Cluster.Cluster.DeactivateAsync(Cluster.User(u))));

        // Following back is common, and two users may do it at the same moment.
        var follows = Task.WhenAll(pairs.SelectMany(p => new[] { Cluster.User(p.Item1).FollowAsync(p.Item2), Cluster.User(p.Item2).FollowAsync(p.Item1) }));
        var finished = await Task.WhenAny(follows, Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));

        Assert.True(
            finished == follows,
            "Ten pairs of users following each other at once did not finish within 5 s: each follow waits, inside its own " +
            "turn, for the followee's ExistsAsync, which waits behind the followee's own follow (non-reentrant grains, a call cycle).");
        await follows;
        await Eventually.AssertAsync(async () =>
        {
            foreach (var (a, b) in pairs)
            {
                Assert.Equal([b.Value], (await Queries.FollowsAsync(a, UserList.Followers)).Select(u => u.Handle));
                Assert.Equal([a.Value], (await Queries.FollowsAsync(b, UserList.Following)).Select(u => u.Handle));
            }
        });
    }

    [Fact]
    public async Task DeletePost_FannedOutToFollowers_GoneFromEveryTimelineCountAndView()
    {
        var users = await Cluster.RegisterAsync(12);
        var (author, commenter, followers) = (users[0], users[1], users[1..11]);
        var lateFollower = users[11];
        await Cluster.FollowAsync(followers, author);
        await Eventually.AssertAsync(async () => Assert.Equal(10, (await Queries.ReadCountsAsync(author)).Followers));
        var kept = await Cluster.PostAsync(author, "Stays");
        var doomed = await Cluster.PostAsync(author, "Goes");
        await Cluster.Post(doomed).AddCommentAsync(Ids.NewComment(), commenter, "Before the end");
        await Cluster.Post(doomed).LikeAsync(commenter);
        var both = new[] { doomed.Value, kept.Value };
        await Eventually.AssertAsync(async () =>
        {
            foreach (var reader in followers.Append(author))
            {
                Assert.Equal(both, await Queries.HomeIdsAsync(reader));
            }

            Assert.Single(await Queries.CommentsAsync(doomed));
        });

        await Cluster.Post(doomed).DeleteAsync(author);

        await Eventually.AssertAsync(async () =>
        {
            foreach (var reader in followers.Append(author))
            {
                Assert.Equal([kept.Value], await Queries.HomeIdsAsync(reader));
            }

            Assert.Equal([kept.Value], await Queries.UserPostIdsAsync(author));
            Assert.Equal(new UserCounts(Followers: 10, Posts: 1), await Queries.ReadCountsAsync(author));
            Assert.Empty(await Queries.CommentsAsync(doomed));
        });
        await Assert.ThrowsAsync<NotFoundException>(() => Cluster.Post(doomed).GetAsync());
        Assert.Equal(1, (await Cluster.User(author).GetAsync()).Posts);

        // Nor does a follow made after the deletion bring it back.
        await Cluster.User(lateFollower).FollowAsync(author);
        await Cluster.WaitUntilProjectedAsync(fixture.Database.Store, [lateFollower]);
        Assert.Equal([kept.Value], await Queries.HomeIdsAsync(lateFollower));
    }

    [Fact]
    public async Task Counts_FollowsPostsCommentsAndLikesWithUndos_ReadModelCountsExact()
    {
        var users = await Cluster.RegisterAsync(7);
        var (author, fans) = (users[0], users[1..]);
        await Cluster.FollowAsync(fans[..5], author);
        await Cluster.User(fans[0]).FollowAsync(author);
        await Cluster.User(fans[4]).UnfollowAsync(author);
        await Cluster.User(fans[4]).UnfollowAsync(author);

        var liked = await Cluster.PostAsync(author, "Counted");
        var other = await Cluster.PostAsync(author, "Quiet");
        var deleted = await Cluster.PostAsync(author, "Deleted");
        await Cluster.Post(deleted).LikeAsync(fans[0]);
        await Cluster.Post(deleted).DeleteAsync(author);
        foreach (var fan in fans[..4])
        {
            await Cluster.Post(liked).LikeAsync(fan);
        }

        await Cluster.Post(liked).LikeAsync(fans[0]);
        await Cluster.Post(liked).UnlikeAsync(fans[3]);
        await Cluster.Post(liked).UnlikeAsync(fans[3]);
        var comments = new[] { Ids.NewComment(), Ids.NewComment(), Ids.NewComment() };
        foreach (var (comment, i) in comments.Select((c, i) => (c, i)))
        {
            await Cluster.Post(liked).AddCommentAsync(comment, fans[i], $"Comment {i}");
        }

        await Cluster.Post(liked).DeleteCommentAsync(comments[1], author);
        await Cluster.Post(other).AddCommentAsync(Ids.NewComment(), author, "Talking to myself");

        await Eventually.AssertAsync(async () =>
        {
            Assert.Equal(new UserCounts(Followers: 4, Posts: 2), await Queries.ReadCountsAsync(author));
            var views = (await Queries.UserPostsAsync(author)).Select(e => e.View).ToList();
            Assert.Equal([(liked.Value, 3L, 2L), (other.Value, 0L, 1L)], views.Select(v => (v!.Id, v.Likes, v.Comments)).Reverse());
            var fanPage = await Queries.HomeAsync(fans[1]);
            Assert.Equal(views, fanPage.Select(e => e.View));
        });
        Assert.Equal(new UserCounts(Followers: 0, Posts: 0), await Queries.ReadCountsAsync(fans[4]));
        var profile = await Cluster.User(author).GetAsync();
        Assert.Equal((4L, 0L, 2L), (profile.Followers, profile.Following, profile.Posts));
        Assert.Equal(
            [comments[0].Value, comments[2].Value],
            (await Queries.CommentsAsync(liked)).Select(c => c.Id));
        // The write side agrees with the read model's counts.
        var view = await Cluster.Post(liked).GetAsync();
        Assert.Equal((3L, 2L), (view.Likes, view.Comments));
    }

    [Fact]
    public async Task Comments_MoreThanTwoPages_WalkedOldestFirstEachOnceWithTheirAuthors()
    {
        var users = await Cluster.RegisterAsync(3);
        var post = await Cluster.PostAsync(users[0], "Discuss");
        var written = new List<CommentView>();
        for (var i = 0; i < 12; i++)
        {
            written.Add(await Cluster.Post(post).AddCommentAsync(Ids.NewComment(), users[i % 3], $"Comment number {i}"));
        }

        await Cluster.Post(post).DeleteCommentAsync(new CommentId(written[5].Id), users[0]);
        written.RemoveAt(5);

        await Eventually.AssertAsync(async () => Assert.Equal(written, await Queries.CommentsAsync(post, limit: 5)));
        var first = await Queries.ReadCommentsAsync(post, new PageRequest(5));
        Assert.Equal(written[..5], first.Items);
        Assert.Equal(written[4].Id, first.NextCursor);
        var last = await Queries.ReadCommentsAsync(post, new PageRequest(5, written[9].Id));
        Assert.Equal([written[10]], last.Items);
        Assert.Null(last.NextCursor);
        Assert.Equal(11, (await Queries.UserPostsAsync(users[0])).Single().View!.Comments);
    }

    [Fact]
    public async Task HomeTimelineCursorWalk_AuthorPostsThroughoutTheWalk_NoDuplicatesNoGapsThenSinceGivesTheNewer()
    {
        const int Before = 100;
        const int During = 300;
        const int Limit = 7;
        var output = TestContext.Current.TestOutputHelper;
        var (reader, author) = await RegisterTwoAsync();
        await Cluster.User(reader).FollowAsync(author);
        await Cluster.WaitUntilProjectedAsync(fixture.Database.Store, [reader]);
        var before = await Task.WhenAll(Enumerable.Range(0, Before).Select(i => Cluster.PostAsync(author, $"Before {i}")));
        await Eventually.AssertAsync(async () => Assert.Equal(Before, (await Queries.HomeIdsAsync(reader)).Count));

        var during = new List<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < During && !stop.IsCancellationRequested; i++)
            {
                var post = await Cluster.PostAsync(author, $"During {i}");
                lock (during)
                {
                    during.Add(post.Value);
                }
            }
        }, TestContext.Current.CancellationToken);
        int Written()
        {
            lock (during)
            {
                return during.Count;
            }
        }

        try
        {
            // The writer's first posts, before the walk starts; slow when the whole suite shares the machine.
            await Eventually.AssertAsync(() =>
            {
                Assert.True(Written() >= 20);
                return Task.CompletedTask;
            }, TimeSpan.FromSeconds(60));

            // What the timeline holds as the walk starts: every one of these must be walked, once.
            var atStart = await Queries.HomeIdsAsync(reader);
            var writtenAtStart = Written();
            var walk = await ReadModelReader.WalkAsync(
                page => Queries.ReadHomeTimelineAsync(reader, page), Limit, since: null, betweenPages: () => Task.Delay(10));
            var writtenDuringWalk = Written() - writtenAtStart;
            var walked = walk.Select(e => e.PostId).ToList();
            output?.WriteLine($"Walked {walked.Count} posts in {Math.Ceiling(walked.Count / (double)Limit)} pages of {Limit} while {writtenDuringWalk} posts were written.");

            Assert.True(writtenDuringWalk > 0, "The author's writes had ended before the walk did: nothing was tested.");
            Assert.True(walked.Count == walked.Distinct().Count(), $"The walk returned a post twice: {string.Join(",", walked.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key))}");
            Assert.Equal(walked.OrderDescending(StringComparer.Ordinal), walked);
            Assert.Empty(atStart.Except(walked));
            Assert.Empty(before.Select(p => p.Value).Except(walked));
            Assert.All(walk, e => Assert.NotNull(e.View));

            await writer;
            var newestSeen = walked[0];
            string[] all;
            lock (during)
            {
                all = [.. before.Select(p => p.Value), .. during];
            }

            var newer = all.Where(id => string.CompareOrdinal(id, newestSeen) > 0).OrderDescending(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(newer);
            await Eventually.AssertAsync(async () => Assert.Equal(Before + During, (await Queries.HomeIdsAsync(reader)).Count));
            var since = (await ReadModelReader.WalkAsync(page => Queries.ReadHomeTimelineAsync(reader, page), Limit, newestSeen)).Select(e => e.PostId).ToList();
            Assert.Equal(since.Count, since.Distinct().Count());
            Assert.Equal(since.OrderDescending(StringComparer.Ordinal), since);
            Assert.Empty(newer.Except(since));
            var single = await Queries.ReadHomeTimelineAsync(reader, new PageRequest(PageRequest.MaxLimit, Since: newestSeen));
            Assert.Equal(since.Take(PageRequest.MaxLimit), single.Items.Select(e => e.PostId));

            // Besides the newer posts, since= gives only older ones that landed behind a post the walk had seen (their
            // fan-out finished later): with the walk, it leaves nothing out.
            var late = since.Except(newer).ToList();
            Assert.All(late, id => Assert.True(string.CompareOrdinal(id, newestSeen) < 0, $"{id} is neither newer nor older than {newestSeen}"));
            Assert.Empty(all.Except(walked).Except(since));
            output?.WriteLine($"since= gave {newer.Count} newer posts and {late.Count} that had landed late.");
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }
    }

    [Fact]
    public async Task PostProjection_AppliedButFanOutNeverRan_CatchUpCompletesFanOut()
    {
        var users = await Cluster.RegisterAsync(6);
        var (author, followers) = (users[0], users[1..]);
        await Cluster.FollowAsync(followers, author);
        await Eventually.AssertAsync(async () => Assert.Equal(5, (await Queries.ReadCountsAsync(author)).Followers));
        // Also wait for the follows' backfill, which would otherwise copy the half-projected post below into homes.
        await Eventually.AssertAsync(async () =>
        {
            foreach (var follower in followers)
            {
                var checkpoint = await Cluster.Store.GetCheckpointAsync(follower.StreamId);
                Assert.Equal(checkpoint.Applied, checkpoint.SideEffectsDone);
            }
        });

        // The first half of the projection of the post, as a silo that died before the fan-out leaves it.
        var post = Ids.NewPost();
        Assert.True(await Cluster.Store.ApplyPostCreatedAsync(post.StreamId, 1, new PostRecord(post, author, "Half done", DateTimeOffset.UtcNow, [], [])));
        Assert.Equal(new ProjectionCheckpoint(Applied: 1, SideEffectsDone: 0), await Cluster.Store.GetCheckpointAsync(post.StreamId));
        Assert.Equal([post.Value], await Queries.UserPostIdsAsync(author));
        foreach (var reader in followers.Append(author))
        {
            Assert.Empty(await Queries.HomeIdsAsync(reader));
        }

        // The event is committed (its own delivery finds version 1 applied), and the projection catches up.
        await Cluster.Post(post).CreateAsync(author, "Half done");
        await Cluster.PostProjection(post).CatchUpAsync();

        foreach (var reader in followers.Append(author))
        {
            Assert.Equal([post.Value], await Queries.HomeIdsAsync(reader));
        }

        Assert.Equal(new ProjectionCheckpoint(Applied: 1, SideEffectsDone: 1), await Cluster.Store.GetCheckpointAsync(post.StreamId));
        Assert.Equal(1, (await Queries.ReadCountsAsync(author)).Posts);
    }

    [Fact]
    public async Task PostProjection_FanOutLostAndGrainGone_NextEventOnStreamCompletesFanOut()
    {
        var users = await Cluster.RegisterAsync(6);
        var (author, followers) = (users[0], users[1..]);
        await Cluster.FollowAsync(followers, author);
        await Eventually.AssertAsync(async () => Assert.Equal(5, (await Queries.ReadCountsAsync(author)).Followers));
        var post = await Cluster.PostAsync(author, "Fanned out once");
        await Eventually.AssertAsync(async () =>
            Assert.Equal(new ProjectionCheckpoint(Applied: 1, SideEffectsDone: 1), await Cluster.Store.GetCheckpointAsync(post.StreamId)));

        // Back to what a crash between the apply and the fan-out leaves: no follower has the post, done is behind.
        await Cluster.Cluster.DeactivateAsync(Cluster.PostProjection(post));
        foreach (var reader in followers)
        {
            await Cluster.Redis.SortedSetRemoveAsync($"s:home:{reader.Value}", post.Value);
        }

        await Cluster.Redis.HashSetAsync($"s:cp:{post.StreamId}", "done", 0);
        Assert.Empty(await Queries.HomeIdsAsync(followers[0]));

        await Cluster.Post(post).LikeAsync(followers[0]);

        await Eventually.AssertAsync(async () =>
        {
            foreach (var reader in followers)
            {
                var entry = Assert.Single(await Queries.HomeAsync(reader));
                Assert.Equal((post.Value, 1L), (entry.PostId, entry.View!.Likes));
            }
        });
        Assert.Equal(new ProjectionCheckpoint(Applied: 2, SideEffectsDone: 2), await Cluster.Store.GetCheckpointAsync(post.StreamId));
    }

    [Fact]
    public async Task UserProjection_FollowAppliedButBackfillNeverRan_CatchUpMergesFolloweePosts()
    {
        var (reader, author) = await RegisterTwoAsync();
        var posts = await PostSequentiallyAsync(author, 3);
        await Eventually.AssertAsync(async () => Assert.Equal(3, (await Queries.UserPostIdsAsync(author)).Count));
        await Cluster.WaitUntilProjectedAsync(fixture.Database.Store, [reader]);

        // Version 2 of the reader's stream is the follow: applied to the lists, its backfill never run.
        Assert.True(await Cluster.Store.ApplyFollowAsync(reader.StreamId, 2, reader, author));
        Assert.Empty(await Queries.HomeIdsAsync(reader));

        await Cluster.User(reader).FollowAsync(author);
        await Cluster.UserProjection(reader).CatchUpAsync();

        Assert.Equal(posts.Select(p => p.Value).Reverse(), await Queries.HomeIdsAsync(reader));
        Assert.Equal(new ProjectionCheckpoint(Applied: 2, SideEffectsDone: 2), await Cluster.Store.GetCheckpointAsync(reader.StreamId));
        Assert.Equal(1, (await Queries.ReadCountsAsync(author)).Followers);
    }

    private async Task<(UserId First, UserId Second)> RegisterTwoAsync()
    {
        var users = await Cluster.RegisterAsync(2);
        return (users[0], users[1]);
    }

    /// <summary>Posts one after the other, so that their ids and commits are in the same order.</summary>
    private async Task<List<PostId>> PostSequentiallyAsync(UserId author, int count)
    {
        var posts = new List<PostId>();
        for (var i = 0; i < count; i++)
        {
            posts.Add(await Cluster.PostAsync(author, $"Post {i} by {author}"));
        }

        return posts;
    }
}
