using Social.Abstractions.ReadModels;
using Social.Domain.Ids;
using Social.Infrastructure.ReadModels;
using StackExchange.Redis;
using Xunit;

namespace Social.Infrastructure.Tests.ReadModels;

/// <summary>
/// The Redis read models of one test: its own connection, the projection store and the queries, and users named with
/// a token of this test only, so that tests sharing the assembly's Redis server never see each other's keys.
/// It keeps each stream's next version, as the projection grains do.
/// </summary>
internal sealed class ReadModelWorld : IAsyncDisposable
{
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly string _token = Guid.NewGuid().ToString("N")[..8];
    private DateTimeOffset _clock = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(Random.Shared.Next(1_000_000));

    private ReadModelWorld(ConnectionMultiplexer redis, TimelineOptions options)
    {
        Redis = redis;
        Options = options;
        Store = new RedisProjectionStore(redis, Microsoft.Extensions.Options.Options.Create(options));
        Queries = new RedisReadModelQueries(redis);
    }

    public ConnectionMultiplexer Redis { get; }

    public TimelineOptions Options { get; }

    public RedisProjectionStore Store { get; }

    public RedisReadModelQueries Queries { get; }

    public IDatabase Db => Redis.GetDatabase();

    public static Task<ReadModelWorld> ConnectAsync(string connectionString, TimelineOptions? options = null)
    {
        // As the host connects (ReadModelSetup): a server that is down does not fail the start.
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        return ConnectAsync(configuration, options);
    }

    public static async Task<ReadModelWorld> ConnectAsync(ConfigurationOptions configuration, TimelineOptions? options = null) =>
        new(await ConnectionMultiplexer.ConnectAsync(configuration), options ?? new TimelineOptions());

    /// <summary>A user of this test only (handles are at most 30 characters of [a-z0-9_]).</summary>
    public UserId User(string name) => new($"{name}_{_token}");

    /// <summary>A post id one second after the previous one, so ids made in a test sort in the order they were made.</summary>
    public PostId NextPostId() => PostId.New(Tick());

    public DateTimeOffset Tick() => _clock = _clock.AddSeconds(1);

    /// <summary>The version the stream's next event gets.</summary>
    public long NextVersion(string streamId) => _versions[streamId] = _versions.GetValueOrDefault(streamId) + 1;

    public async Task<UserId> RegisterAsync(string name, string? displayName = null)
    {
        var user = User(name);
        Assert.True(await Store.ApplyProfileAsync(user.StreamId, NextVersion(user.StreamId), new ProfileRecord(user, displayName ?? $"Name of {name}")));
        return user;
    }

    /// <summary>Applies the follow and completes its side effect (the backfill), as the user projection does.</summary>
    public async Task FollowAsync(UserId follower, UserId followee)
    {
        var version = NextVersion(follower.StreamId);
        Assert.True(await Store.ApplyFollowAsync(follower.StreamId, version, follower, followee));
        await Store.MergeIntoHomeTimelineAsync(follower, followee, Options.FollowBackfill);
        await Store.MarkSideEffectsDoneAsync(follower.StreamId, version);
    }

    /// <summary>A reader who follows two authors, a and b.</summary>
    public async Task<(UserId Reader, UserId A, UserId B)> ReaderFollowingTwoAsync()
    {
        var (reader, a, b) = (User("reader"), User("a"), User("b"));
        await FollowAsync(reader, a);
        await FollowAsync(reader, b);
        return (reader, a, b);
    }

    public async Task UnfollowAsync(UserId follower, UserId followee, bool removePosts = true)
    {
        var version = NextVersion(follower.StreamId);
        Assert.True(await Store.ApplyUnfollowAsync(follower.StreamId, version, follower, followee));
        if (removePosts)
        {
            await Store.RemoveAuthorFromHomeTimelineAsync(follower, followee);
            await Store.MarkSideEffectsDoneAsync(follower.StreamId, version);
        }
    }

    /// <summary>Creates a post (view, author's timeline, count) and fans it out to <paramref name="readers"/>.</summary>
    public Task<PostId> PostAsync(UserId author, params UserId[] readers) => PostAtAsync(Tick(), author, readers);

    /// <summary>As <see cref="PostAsync"/>, with the post made at <paramref name="at"/> rather than on this world's clock.</summary>
    public async Task<PostId> PostAtAsync(DateTimeOffset at, UserId author, params UserId[] readers)
    {
        var post = PostId.New(at);
        Assert.True(await Store.ApplyPostCreatedAsync(post.StreamId, NextVersion(post.StreamId), new PostRecord(post, author, $"text of {post}", at, [], [])));
        await Store.AddToHomeTimelinesAsync([author, .. readers], post);
        return post;
    }

    public async Task DeletePostAsync(PostId post, UserId author, params UserId[] readers)
    {
        Assert.True(await Store.ApplyPostDeletedAsync(post.StreamId, NextVersion(post.StreamId), post, author));
        await Store.RemoveFromHomeTimelinesAsync([author, .. readers], post);
    }

    public async Task<CommentId> CommentAsync(PostId post, UserId author, string? text = null)
    {
        var at = Tick();
        var comment = CommentId.New(at);
        var version = NextVersion(post.StreamId);
        Assert.True(await Store.ApplyCommentAddedAsync(post.StreamId, version, new CommentRecord(comment, post, author, text ?? $"comment {comment}", at, [])));
        await Store.MarkSideEffectsDoneAsync(post.StreamId, version);
        return comment;
    }

    /// <summary>The ids of a home timeline as stored, newest first.</summary>
    public async Task<List<string>> HomeIdsAsync(UserId reader) =>
        [.. (await Db.SortedSetRangeByValueAsync(RedisKeys.HomeTimeline(reader), order: Order.Descending)).Select(v => (string)v!)];

    /// <summary>Follows a timeline's cursors to the end and returns every page.</summary>
    public static async Task<List<TimelinePage>> WalkAsync(Func<PageRequest, Task<TimelinePage>> read, int limit, string? since = null,
        Func<int, Task>? betweenPages = null)
    {
        var pages = new List<TimelinePage>();
        string? cursor = null;
        do
        {
            var page = await read(new PageRequest(limit, cursor, since));
            Assert.True(page.Items.Count <= limit, $"a page of {page.Items.Count} items for a limit of {limit}");
            pages.Add(page);
            Assert.True(pages.Count < 1000, "the cursor walk does not end");
            cursor = page.NextCursor;
            if (betweenPages is not null && cursor is not null)
            {
                await betweenPages(pages.Count);
            }
        }
        while (cursor is not null);

        return pages;
    }

    public async ValueTask DisposeAsync() => await Redis.DisposeAsync();
}
