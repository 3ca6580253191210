using Social.Abstractions.ReadModels;
using Social.Grains.Tests.TestHost;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.Projections;

/// <summary>Silos whose projection stores fail a chosen fan-out write once.</summary>
public sealed class FlakyFanOutFixture(StoresFixture stores) : ProjectionFixture(stores)
{
    public FlakyFanOut Faults { get; } = new();

    protected override IProjectionStore Decorate(string silo, IProjectionStore store) => Faults.Wrap(store);
}

/// <summary>
/// A fan-out that fails half-way (Redis did not answer) fails the delivery, which the stream provider retries; the
/// retry must finish the fan-out, not find the event applied and skip it.
/// </summary>
public sealed class FanOutRetryTests(FlakyFanOutFixture fixture) : IClassFixture<FlakyFanOutFixture>
{
    private ProjectionCluster Cluster => fixture.Cluster;

    private IReadModelQueries Queries => Cluster.Queries;

    [Fact]
    public async Task PostFanOut_RedisFailsOnceMidWay_RetriedDeliveryReachesEveryFollower()
    {
        var users = await Cluster.RegisterAsync(6);
        var (author, followers) = (users[0], users[1..]);
        await Cluster.FollowAsync(followers, author);
        await Eventually.AssertAsync(async () => Assert.Equal(5, (await Queries.ReadCountsAsync(author)).Followers));
        var post = Ids.NewPost();
        fixture.Faults.FailFirstFanOutOf(post);

        await Cluster.Post(post).CreateAsync(author, "Worth retrying");

        await Eventually.AssertAsync(async () =>
        {
            foreach (var reader in followers.Append(author))
            {
                Assert.True((await Queries.HomeIdsAsync(reader)).Contains(post.Value), $"{reader} never got the post; checkpoint {await Cluster.Store.GetCheckpointAsync(post.StreamId)}");
            }
        });
        await Eventually.AssertAsync(async () =>
            Assert.Equal(new ProjectionCheckpoint(Applied: 1, SideEffectsDone: 1), await Cluster.Store.GetCheckpointAsync(post.StreamId)));
    }

    [Fact]
    public async Task FollowBackfill_RedisFailsOnce_RetriedDeliveryMergesTheFolloweePosts()
    {
        var users = await Cluster.RegisterAsync(2);
        var (reader, author) = (users[0], users[1]);
        var posts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            posts.Add((await Cluster.PostAsync(author, $"Post {i}")).Value);
        }

        await Eventually.AssertAsync(async () => Assert.Equal(3, (await Queries.UserPostIdsAsync(author)).Count));
        fixture.Faults.FailFirstBackfillInto(reader);

        await Cluster.User(reader).FollowAsync(author);

        posts.Reverse();
        await Eventually.AssertAsync(async () => Assert.Equal(posts, await Queries.HomeIdsAsync(reader)));
        // The checkpoint records the side effect once its pushes are made too, a moment after the merge.
        await Eventually.AssertAsync(async () =>
            Assert.Equal(new ProjectionCheckpoint(Applied: 2, SideEffectsDone: 2), await Cluster.Store.GetCheckpointAsync(reader.StreamId)));
    }
}
