using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Domain.Events;
using Social.Domain.Ids;
using Social.Domain.Posts;
using Social.Domain.Users;
using Xunit;

namespace Social.Grains.Tests.TestHost;

/// <summary>
/// What the read models must say, worked out from the event store alone (the source of truth): the follower graph,
/// the live posts with their likes and comments, and so every timeline and count. It does not cap timelines
/// (<see cref="TimelineOptions.Capacity"/>, <see cref="TimelineOptions.FollowBackfill"/>): tests that use it stay below the caps.
/// </summary>
public sealed class StoreModel
{
    private const int ReadBatch = 1000;
    private readonly Dictionary<UserId, HashSet<UserId>> _following = [];
    private readonly Dictionary<PostId, ExpectedPost> _posts = [];

    private StoreModel()
    {
    }

    public int EventCount { get; private set; }

    public static async Task<StoreModel> ReadAsync(IEventStore store)
    {
        var model = new StoreModel();
        var position = GlobalPosition.Start;
        while (true)
        {
            var batch = await store.ReadAllAsync(position, ReadBatch, TestContext.Current.CancellationToken);
            foreach (var recorded in batch)
            {
                model.Apply(EventTypes.Deserialize(recorded.Type, recorded.Data));
            }

            model.EventCount += batch.Count;
            if (batch.Count < ReadBatch)
            {
                return model;
            }

            position = batch[^1].Position;
        }
    }

    /// <summary>
    /// Reads the model from the store, and checks the read models against it (<see cref="AssertReadModelsAsync"/>), again
    /// and again until they match. The model is read anew each time: the store's reads stop short of commits that an
    /// older transaction, of any database of the server, might still precede, so a model read just after the last
    /// write can lack it for a moment; each read is checked against the events table's row count.
    /// </summary>
    /// <returns>The model the read models matched.</returns>
    public static async Task<StoreModel> AssertEventuallyAsync(
        EventStoreDatabase database, IReadModelQueries queries, IReadOnlyCollection<UserId> users, TimeSpan? timeout = null)
    {
        StoreModel? matched = null;
        await Eventually.AssertAsync(async () =>
        {
            var stored = await database.CountAsync("SELECT count(*) FROM events");
            var model = await ReadAsync(database.Store);
            Assert.True(model.EventCount == stored, $"read {model.EventCount} of the {stored} stored events");
            await model.AssertReadModelsAsync(queries, users);
            matched = model;
        }, timeout);
        return matched!;
    }

    public ExpectedPost Post(PostId id) => _posts[id];

    public IEnumerable<ExpectedPost> LivePostsBy(UserId author) => _posts.Values.Where(p => p.IsLive && p.Author == author);

    /// <summary>The reader's own live posts and those of everyone they follow, newest first.</summary>
    public List<string> HomeTimeline(UserId reader)
    {
        var following = Following(reader);
        return Newest(_posts.Values.Where(p => p.IsLive && (p.Author == reader || following.Contains(p.Author))));
    }

    /// <summary>The author's live posts, newest first.</summary>
    public List<string> UserTimeline(UserId author) => Newest(LivePostsBy(author));

    public IReadOnlySet<UserId> Following(UserId user) => _following.TryGetValue(user, out var set) ? set : new HashSet<UserId>();

    public List<string> FollowingHandles(UserId user) => [.. Following(user).Select(u => u.Value).Order(StringComparer.Ordinal)];

    public List<string> FollowerHandles(UserId user) =>
        [.. _following.Where(f => f.Value.Contains(user)).Select(f => f.Key.Value).Order(StringComparer.Ordinal)];

    public UserCounts Counts(UserId user) => new(FollowerHandles(user).Count, LivePostsBy(user).LongCount());

    /// <summary>
    /// Asserts that the read models of these users (their home and user timelines, follow lists, counts, and the views
    /// and comment pages of their posts) are exactly what the events say, and that no timeline lists a post twice.
    /// </summary>
    public async Task AssertReadModelsAsync(IReadModelQueries queries, IEnumerable<UserId> users)
    {
        foreach (var user in users)
        {
            var home = await queries.HomeIdsAsync(user);
            Assert.True(home.Count == home.Distinct().Count(), $"{user}'s home timeline lists a post twice: {string.Join(",", home.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key))}");
            AssertSameIds(HomeTimeline(user), home, $"{user}'s home timeline");

            var posts = await queries.UserPostsAsync(user);
            AssertSameIds(UserTimeline(user), [.. posts.Select(e => e.PostId)], $"{user}'s user timeline");
            foreach (var entry in posts)
            {
                var expected = Post(new PostId(entry.PostId));
                Assert.True(entry.View is not null, $"post {entry.PostId} has no view");
                Assert.True(
                    (expected.Likes.Count, expected.Comments.Count) == (entry.View.Likes, entry.View.Comments),
                    $"post {entry.PostId}: expected {expected.Likes.Count} likes and {expected.Comments.Count} comments, the view says {entry.View.Likes} and {entry.View.Comments}");
                var comments = await queries.CommentsAsync(expected.Id);
                Assert.Equal([.. expected.Comments.Select(c => c.Value).Order(StringComparer.Ordinal)], comments.Select(c => c.Id).ToList());
            }

            Assert.Equal(FollowerHandles(user), (await queries.FollowsAsync(user, UserList.Followers)).Select(s => s.Handle).ToList());
            Assert.Equal(FollowingHandles(user), (await queries.FollowsAsync(user, UserList.Following)).Select(s => s.Handle).ToList());
            Assert.Equal(Counts(user), await queries.ReadCountsAsync(user));
        }
    }

    private static void AssertSameIds(List<string> expected, List<string> actual, string what)
    {
        if (!expected.SequenceEqual(actual))
        {
            var missing = expected.Except(actual).ToList();
            var extra = actual.Except(expected).ToList();
            Assert.Fail($"{what}: expected {expected.Count} posts, read {actual.Count}; missing [{string.Join(",", missing)}], unexpected [{string.Join(",", extra)}]" +
                        (missing.Count + extra.Count == 0 ? " (order differs)" : ""));
        }
    }

    private static List<string> Newest(IEnumerable<ExpectedPost> posts) =>
        [.. posts.Select(p => p.Id.Value).OrderDescending(StringComparer.Ordinal)];

    private void Apply(object @event)
    {
        switch (@event)
        {
            case UserFollowed e:
                (_following.TryGetValue(e.Follower, out var set) ? set : _following[e.Follower] = []).Add(e.Followee);
                break;
            case UserUnfollowed e:
                _following.GetValueOrDefault(e.Follower)?.Remove(e.Followee);
                break;
            case PostCreated e:
                _posts[e.PostId] = new ExpectedPost(e.PostId, e.AuthorId);
                break;
            case PostDeleted e:
                _posts[e.PostId].IsLive = false;
                break;
            case CommentAdded e:
                _posts[e.PostId].Comments.Add(e.CommentId);
                break;
            case CommentDeleted e:
                _posts[e.PostId].Comments.Remove(e.CommentId);
                break;
            case PostLiked e:
                _posts[e.PostId].Likes.Add(e.UserId);
                break;
            case PostUnliked e:
                _posts[e.PostId].Likes.Remove(e.UserId);
                break;
        }
    }
}

/// <summary>A post as its events leave it.</summary>
public sealed class ExpectedPost(PostId id, UserId author)
{
    public PostId Id { get; } = id;

    public UserId Author { get; } = author;

    public bool IsLive { get; set; } = true;

    public HashSet<UserId> Likes { get; } = [];

    public HashSet<CommentId> Comments { get; } = [];
}
