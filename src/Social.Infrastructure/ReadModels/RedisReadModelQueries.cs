using System.Globalization;
using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Domain.Ids;
using StackExchange.Redis;

namespace Social.Infrastructure.ReadModels;

/// <summary>The lists clients read, each page one Lua script: one round trip to Redis.</summary>
public sealed class RedisReadModelQueries(IConnectionMultiplexer redis) : IReadModelQueries
{
    private const int PostFields = 9;

    /// <summary>How long after reading their home timeline a reader counts as having seen its newest posts.</summary>
    public static readonly TimeSpan RecentReaderWindow = TimeSpan.FromMinutes(10);
    private const int CommentFields = 6;

    private IDatabase Db => redis.GetDatabase();

    public Task<TimelinePage> ReadHomeTimelineAsync(UserId reader, PageRequest page) =>
        ReadTimelineAsync(QueryScripts.HomeTimeline, [], reader.Value, page);

    public async Task<IReadOnlyList<PostView>> ReadPostsAsync(IReadOnlyList<PostId> posts)
    {
        if (posts.Count == 0)
        {
            return [];
        }

        var result = await EvaluateAsync(QueryScripts.Posts, [], [.. posts.Select(post => (RedisValue)post.Value)]);
        return [.. PostViews(result, 0).Select(entry => entry.View!)];
    }

    public async Task<CommentView?> ReadCommentAsync(PostId post, CommentId comment)
    {
        var result = await EvaluateAsync(QueryScripts.Comment, [], [comment.Value]);
        return result.Length == 0 ? null
            : new CommentView(comment.Value, post.Value, new UserSummary((string)result[0]!, (string)result[1]!), (string)result[2]!, Time(result[3]),
                Words(result[4]));
    }

    public Task<TimelinePage> ReadUserTimelineAsync(UserId author, PageRequest page) =>
        ReadTimelineAsync(QueryScripts.Timeline, [RedisKeys.UserTimeline(author)], "", page);

    public Task<TimelinePage> ReadTagTimelineAsync(string tag, PageRequest page, UserId? reader = null) =>
        ReadTimelineAsync(QueryScripts.Timeline, [RedisKeys.TagTimeline(tag)], reader?.Value ?? "", page);

    public async Task<Page<CommentView>> ReadCommentsAsync(PostId post, PageRequest page, UserId? reader = null)
    {
        var result = await EvaluateAsync(QueryScripts.Comments, [], [post.Value, page.Limit, page.Cursor ?? "", reader?.Value ?? ""]);
        var items = new List<CommentView>();
        for (var i = 1; i + CommentFields <= result.Length; i += CommentFields)
        {
            items.Add(new CommentView((string)result[i]!, post.Value, new UserSummary((string)result[i + 1]!, (string)result[i + 2]!),
                (string)result[i + 3]!, Time(result[i + 4]), Words(result[i + 5])));
        }

        return new Page<CommentView>(items, Cursor(result[0]));
    }

    public async Task<Page<UserSummary>> ReadUserListAsync(UserId user, UserList list, PageRequest page, UserId? reader = null)
    {
        var key = list switch
        {
            UserList.Followers => RedisKeys.Followers(user),
            UserList.Following => RedisKeys.Following(user),
            UserList.Blocks => RedisKeys.Blocking(user),
            _ => RedisKeys.Muting(user),
        };
        var result = await EvaluateAsync(QueryScripts.Users, [key], [reader?.Value ?? "", page.Limit, page.Cursor ?? ""]);
        var items = new List<UserSummary>();
        for (var i = 1; i + 2 <= result.Length; i += 2)
        {
            items.Add(new UserSummary((string)result[i]!, (string)result[i + 1]!));
        }

        return new Page<UserSummary>(items, Cursor(result[0]));
    }

    public async Task<IReadOnlyList<UserId>> WhoSeesAsync(UserId author, IReadOnlyList<UserId> readers, bool mutes) =>
        readers.Count == 0 ? [] : [.. (await EvaluateAsync(QueryScripts.WhoSees, [], [author.Value, mutes ? "1" : "", .. readers.Select(reader => (RedisValue)reader.Value)]))
            .Select(reader => new UserId((string)reader!))];

    public async Task<bool> BlocksAsync(UserId blocker, UserId other) =>
        await RedisCalls.RunAsync(() => Db.SortedSetScoreAsync(RedisKeys.Blocking(blocker), other.Value)) is not null;

    public async Task<UserCounts> ReadCountsAsync(UserId user)
    {
        var batch = Db.CreateBatch();
        var followers = batch.SortedSetLengthAsync(RedisKeys.Followers(user));
        var posts = batch.SortedSetLengthAsync(RedisKeys.AuthoredPosts(user));
        await RedisCalls.RunAsync(() =>
        {
            batch.Execute();
            return Task.WhenAll(followers, posts);
        });
        return new UserCounts(await followers, await posts);
    }

    private async Task<TimelinePage> ReadTimelineAsync(string script, RedisKey[] keys, string reader, PageRequest page)
    {
        var recentUntil = DateTimeOffset.UtcNow.Add(RecentReaderWindow).ToUnixTimeMilliseconds();
        var result = await EvaluateAsync(script, keys, [reader, page.Limit, page.Cursor ?? "", page.Since ?? "", recentUntil]);
        return new TimelinePage(PostViews(result, 1), Cursor(result[0]));
    }

    private static List<TimelineEntry> PostViews(RedisResult[] result, int start)
    {
        var items = new List<TimelineEntry>();
        for (var i = start; i + PostFields <= result.Length; i += PostFields)
        {
            var id = (string)result[i]!;
            var author = (string)result[i + 1]!;
            items.Add(new TimelineEntry(id, author.Length == 0 ? null : new PostView(
                id, new UserSummary(author, (string)result[i + 2]!), (string)result[i + 3]!, Time(result[i + 4]),
                (long)result[i + 5], (long)result[i + 6], Words(result[i + 7]), Words(result[i + 8]))));
        }

        return items;
    }

    private async Task<RedisResult[]> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values) =>
        (RedisResult[])(await RedisCalls.RunAsync(() => Db.ScriptEvaluateAsync(script, keys, values)))!;

    private static string[] Words(RedisResult value) => ((string?)value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string? Cursor(RedisResult next) => (string?)next is { Length: > 0 } cursor ? cursor : null;

    private static DateTimeOffset Time(RedisResult value) =>
        DateTimeOffset.Parse((string)value!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
