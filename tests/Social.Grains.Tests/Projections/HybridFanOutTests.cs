using Social.Abstractions.ReadModels;
using Social.Domain.Ids;
using Social.Grains.Tests.TestHost;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.Projections;

/// <summary>Authors with more than three followers count as widely followed.</summary>
public sealed class HybridFixture(StoresFixture stores) : ProjectionFixture(stores)
{
    public const int Threshold = 3;

    protected override void Configure(TimelineOptions options) => options.MergeAtReadThreshold = Threshold;
}

/// <summary>
/// Twitter's hybrid: the posts of an author with more followers than <see cref="TimelineOptions.MergeAtReadThreshold"/>
/// are not written into followers' home timelines, and their pages merge them in at read time.
/// </summary>
public sealed class HybridFanOutTests(HybridFixture fixture) : IClassFixture<HybridFixture>
{
    private const int Limit = 3;

    private ProjectionCluster Cluster => fixture.Cluster;

    private IReadModelQueries Queries => Cluster.Queries;

    [Fact]
    public async Task WidelyFollowedAuthor_Posts_NotWrittenToFollowersYetInterleavedInTheirPagesOnce()
    {
        var users = await Cluster.RegisterAsync(9);
        var (famous, normal, stranger, followers, normalOnly) = (users[0], users[1], users[2], users[3..8], users[8]);
        await Cluster.FollowAsync(followers, famous);
        await Cluster.FollowAsync([followers[0], followers[1], normalOnly], normal);
        await Eventually.AssertAsync(async () =>
        {
            Assert.Equal(5, (await Queries.ReadCountsAsync(famous)).Followers);
            Assert.Equal(3, (await Queries.ReadCountsAsync(normal)).Followers);
        });

        // The two authors take turns, so that their posts' ids interleave.
        var famousPosts = new List<string>();
        var normalPosts = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            famousPosts.Add((await Cluster.PostAsync(famous, $"Famous {i}")).Value);
            normalPosts.Add((await Cluster.PostAsync(normal, $"Normal {i}")).Value);
        }

        var own = (await Cluster.PostAsync(followers[0], "A follower's own")).Value;
        var interleaved = famousPosts.Concat(normalPosts).Append(own).OrderDescending(StringComparer.Ordinal).ToList();
        await Eventually.AssertAsync(async () =>
        {
            Assert.Equal(famousPosts.AsEnumerable().Reverse(), await Queries.UserPostIdsAsync(famous));
            Assert.Equal(normalPosts.AsEnumerable().Reverse(), await Queries.HomeIdsAsync(normalOnly));
            Assert.Equal(interleaved, await Queries.HomeIdsAsync(followers[0]));
        });

        // Not one of the widely followed author's posts is in a follower's home timeline key; the normal author's are.
        foreach (var follower in followers)
        {
            var key = await Cluster.Redis.SortedSetRangeByRankAsync($"s:home:{follower.Value}");
            Assert.Empty(key.Select(v => v.ToString()).Intersect(famousPosts));
        }

        Assert.Equal(
            normalPosts.Append(own).OrderDescending(StringComparer.Ordinal),
            (await Cluster.Redis.SortedSetRangeByRankAsync($"s:home:{followers[0].Value}", order: StackExchange.Redis.Order.Descending)).Select(v => v.ToString()));

        // Yet each follower's pages show them in order, each once, page after page.
        foreach (var follower in followers)
        {
            var expected = (follower == followers[0] ? interleaved : follower == followers[1] ? famousPosts.Concat(normalPosts).OrderDescending(StringComparer.Ordinal).ToList() : famousPosts.AsEnumerable().Reverse().ToList());
            var walk = await ReadModelReader.WalkAsync(page => Queries.ReadHomeTimelineAsync(follower, page), Limit, since: null);
            Assert.Equal(expected, walk.Select(e => e.PostId));
            Assert.All(walk, e => Assert.NotNull(e.View));
        }

        // The newest-first "since" read merges them too.
        var since = await Queries.ReadHomeTimelineAsync(followers[0], new PageRequest(PageRequest.MaxLimit, Since: interleaved[4]));
        Assert.Equal(interleaved[..4], since.Items.Select(e => e.PostId));

        // Someone who does not follow the widely followed author never sees those posts.
        Assert.Empty(await Queries.HomeIdsAsync(stranger));
        Assert.Empty((await Queries.HomeIdsAsync(normalOnly)).Intersect(famousPosts));
    }

    [Fact]
    public async Task WidelyFollowedAuthor_UnfollowedOrPostDeleted_MergedPostsLeaveThePage()
    {
        var users = await Cluster.RegisterAsync(5);
        var (famous, followers) = (users[0], users[1..]);
        await Cluster.FollowAsync(followers, famous);
        await Eventually.AssertAsync(async () => Assert.Equal(4, (await Queries.ReadCountsAsync(famous)).Followers));
        var posts = new List<PostId>();
        for (var i = 0; i < 3; i++)
        {
            posts.Add(await Cluster.PostAsync(famous, $"Famous {i}"));
        }

        await Eventually.AssertAsync(async () => Assert.Equal(3, (await Queries.HomeIdsAsync(followers[0])).Count));

        await Cluster.User(followers[0]).UnfollowAsync(famous);
        await Cluster.Post(posts[1]).DeleteAsync(famous);

        await Eventually.AssertAsync(async () =>
        {
            Assert.Empty(await Queries.HomeIdsAsync(followers[0]));
            Assert.Equal([posts[2].Value, posts[0].Value], await Queries.HomeIdsAsync(followers[1]));
        });
    }
}
