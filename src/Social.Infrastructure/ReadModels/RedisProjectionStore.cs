using System.Globalization;
using Microsoft.Extensions.Options;
using Social.Abstractions.ReadModels;
using Social.Domain.Ids;
using StackExchange.Redis;

namespace Social.Infrastructure.ReadModels;

/// <summary>
/// The projections' writes to Redis. Each change that follows one event is a Lua script that runs atomically with
/// the check and the update of the stream's applied version (see <see cref="ProjectionScripts"/>).
/// </summary>
public sealed class RedisProjectionStore(IConnectionMultiplexer redis, IOptions<TimelineOptions> options) : IProjectionStore
{
    private static readonly RedisValue Applied = "applied";
    private static readonly RedisValue Done = "done";
    private readonly TimelineOptions _options = options.Value;

    private IDatabase Db => redis.GetDatabase();

    public async Task<ProjectionCheckpoint> GetCheckpointAsync(string streamId)
    {
        var values = await RedisCalls.RunAsync(() => Db.HashGetAsync(RedisKeys.Checkpoint(streamId), [Applied, Done]));
        return new ProjectionCheckpoint((long?)values[0] ?? 0, (long?)values[1] ?? 0);
    }

    public Task MarkSideEffectsDoneAsync(string streamId, long version) =>
        RedisCalls.RunAsync(() => Db.HashSetAsync(RedisKeys.Checkpoint(streamId), Done, version));

    public Task<bool> ApplyProfileAsync(string streamId, long version, ProfileRecord profile) =>
        ApplyAsync(ProjectionScripts.Profile, streamId, version, [RedisKeys.User(profile.Id)],
            [profile.DisplayName]);

    public Task<bool> ApplyFollowAsync(string streamId, long version, UserId follower, UserId followee) =>
        ApplyAsync(ProjectionScripts.Follow, streamId, version, [RedisKeys.Following(follower), RedisKeys.Followers(followee)],
            [follower.Value, followee.Value]);

    public Task<bool> ApplyUnfollowAsync(string streamId, long version, UserId follower, UserId followee) =>
        ApplyAsync(ProjectionScripts.Unfollow, streamId, version, [RedisKeys.Following(follower), RedisKeys.Followers(followee)],
            [follower.Value, followee.Value]);

    public Task<bool> ApplyBlockAsync(string streamId, long version, UserId blocker, UserId blocked, bool blocks) =>
        ApplyAsync(blocks ? ProjectionScripts.Block : ProjectionScripts.Unblock, streamId, version,
            [RedisKeys.Blocking(blocker), RedisKeys.BlockedBy(blocked)], [blocker.Value, blocked.Value]);

    public Task<bool> ApplyMuteAsync(string streamId, long version, UserId muter, UserId muted, bool mutes) =>
        ApplyAsync(mutes ? ProjectionScripts.Mute : ProjectionScripts.Unmute, streamId, version, [RedisKeys.Muting(muter)], [muted.Value]);

    public Task<bool> ApplyPostCreatedAsync(string streamId, long version, PostRecord post) =>
        ApplyAsync(ProjectionScripts.PostCreated, streamId, version,
            [RedisKeys.Post(post.Id), RedisKeys.AuthoredPosts(post.AuthorId), RedisKeys.UserTimeline(post.AuthorId), .. post.Tags.Select(RedisKeys.TagTimeline)],
            [post.Id.Value, post.AuthorId.Value, post.Text, Time(post.CreatedAt), _options.Capacity, Words(post.Mentions), Words(post.Tags)]);

    public Task<bool> ApplyPostDeletedAsync(string streamId, long version, PostId post, UserId author) =>
        ApplyAsync(ProjectionScripts.PostDeleted, streamId, version,
            [RedisKeys.Post(post), RedisKeys.UserTimeline(author), RedisKeys.AuthoredPosts(author), RedisKeys.Comments(post)],
            [RedisKeys.CommentPrefix, post.Value, RedisKeys.TagPrefix]);

    public Task<bool> ApplyCommentAddedAsync(string streamId, long version, CommentRecord comment) =>
        ApplyAsync(ProjectionScripts.CommentAdded, streamId, version,
            [RedisKeys.Comment(comment.Id), RedisKeys.Comments(comment.PostId), RedisKeys.Post(comment.PostId)],
            [comment.Id.Value, comment.PostId.Value, comment.AuthorId.Value, comment.Text, Time(comment.CreatedAt), Words(comment.Mentions)]);

    public Task<bool> ApplyCommentDeletedAsync(string streamId, long version, PostId post, CommentId comment) =>
        ApplyAsync(ProjectionScripts.CommentDeleted, streamId, version,
            [RedisKeys.Comment(comment), RedisKeys.Comments(post), RedisKeys.Post(post)], [comment.Value]);

    public Task<bool> ApplyLikesChangedAsync(string streamId, long version, PostId post, int delta) =>
        ApplyAsync(ProjectionScripts.LikesChanged, streamId, version, [RedisKeys.Post(post)], [delta]);

    public Task<bool> ApplyAccountDeletedAsync(string streamId, long version, UserId user) =>
        ApplyAsync(ProjectionScripts.AccountDeleted, streamId, version,
            [RedisKeys.User(user), RedisKeys.HomeTimeline(user), RedisKeys.LateArrivals(user), RedisKeys.MergedAtRead,
                RedisKeys.Notifications(user), RedisKeys.NotificationCauses(user), RedisKeys.LateNotifications(user),
                RedisKeys.NewestNotification(user), RedisKeys.NotificationsRead(user)],
            [user.Value]);

    public Task<bool> ApplyNotificationsReadAsync(string streamId, long version, UserId user, NotificationId lastRead) =>
        ApplyAsync(ProjectionScripts.NotificationsRead, streamId, version, [RedisKeys.NotificationsRead(user)], [lastRead.Value]);

    public Task<bool> ApplyNothingAsync(string streamId, long version) =>
        ApplyAsync(ProjectionScripts.Nothing, streamId, version, [], []);

    public async IAsyncEnumerable<IReadOnlyList<UserId>> ReadFollowersInBatchesAsync(UserId author, int batchSize)
    {
        // Pages by handle from the last one seen, so followers added or removed meanwhile never shift a page.
        RedisValue after = default;
        while (true)
        {
            var start = after;
            var batch = await RedisCalls.RunAsync(() => Db.SortedSetRangeByValueAsync(
                RedisKeys.Followers(author), start, default, Exclude.Start, Order.Ascending, 0, batchSize));
            if (batch.Length == 0)
            {
                yield break;
            }

            yield return [.. batch.Select(handle => new UserId(handle!))];
            if (batch.Length < batchSize)
            {
                yield break;
            }

            after = batch[^1];
        }
    }

    public async Task<bool> FollowsAsync(UserId follower, UserId followee) =>
        await RedisCalls.RunAsync(() => Db.SortedSetScoreAsync(RedisKeys.Following(follower), followee.Value)) is not null;

    public async Task<long> CountFollowersAsync(UserId user) =>
        await RedisCalls.RunAsync(() => Db.SortedSetLengthAsync(RedisKeys.Followers(user)));

    public async Task<IReadOnlyList<UserId>> AddToHomeTimelinesAsync(IReadOnlyList<UserId> readers, PostId post)
    {
        var delivered = new List<UserId>(readers.Count);
        foreach (var chunk in readers.Chunk(_options.FanOutBatchSize))
        {
            RedisKey[] keys = [.. chunk.Select(RedisKeys.HomeTimeline)];
            RedisValue[] values = [post.Value, _options.Capacity, .. chunk.Select(reader => (RedisValue)reader.Value)];
            delivered.AddRange(UserIds(await RedisCalls.RunAsync(() => Db.ScriptEvaluateAsync(ProjectionScripts.FanOut, keys, values))));
        }

        return delivered;
    }

    public Task RemoveFromHomeTimelinesAsync(IReadOnlyList<UserId> readers, PostId post) =>
        PipelineAsync(readers, (batch, reader) => [batch.SortedSetRemoveAsync(RedisKeys.HomeTimeline(reader), post.Value)]);

    public async Task<IReadOnlyList<PostId>> MergeIntoHomeTimelineAsync(UserId reader, UserId author, int count) =>
        PostIds(await RedisCalls.RunAsync(() => Db.ScriptEvaluateAsync(ProjectionScripts.MergeAuthor,
            [RedisKeys.UserTimeline(author), RedisKeys.HomeTimeline(reader)], [reader.Value, count, _options.Capacity])));

    public async Task<IReadOnlyList<PostId>> RemoveAuthorFromHomeTimelineAsync(UserId reader, UserId author) =>
        PostIds(await RedisCalls.RunAsync(() => Db.ScriptEvaluateAsync(ProjectionScripts.RemoveAuthor,
            [RedisKeys.UserTimeline(author), RedisKeys.HomeTimeline(reader)])));

    public Task SetMergedAtReadTimeAsync(UserId author, bool merged) => RedisCalls.RunAsync(() => merged
        ? Db.SetAddAsync(RedisKeys.MergedAtRead, author.Value)
        : Db.SetRemoveAsync(RedisKeys.MergedAtRead, author.Value));

    // Projections keep running while the keys go, so the checkpoints go last: whatever a projection wrote while the
    // data was being dropped belongs to a stream whose checkpoint is dropped afterwards, and is written again when the
    // stream is replayed (every script is idempotent or resets what it counts once its checkpoint is gone).
    public Task DropAllAsync() => RedisCalls.RunAsync(async () =>
    {
        await DeleteKeysAsync(RedisKeys.Prefix + "*", key => !key.StartsWith(RedisKeys.CheckpointPrefix, StringComparison.Ordinal));
        await DeleteKeysAsync(RedisKeys.CheckpointPrefix + "*", _ => true);
    });

    private async Task DeleteKeysAsync(string pattern, Func<string, bool> include)
    {
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
        {
            var batch = new List<RedisKey>(1000);
            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000))
            {
                if (include(key!))
                {
                    batch.Add(key);
                }

                if (batch.Count == 1000)
                {
                    await Db.KeyDeleteAsync([.. batch]);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await Db.KeyDeleteAsync([.. batch]);
            }
        }
    }

    private async Task<bool> ApplyAsync(string script, string streamId, long version, RedisKey[] keys, RedisValue[] values)
    {
        var result = await RedisCalls.RunAsync(() => Db.ScriptEvaluateAsync(script, [RedisKeys.Checkpoint(streamId), .. keys], [version, .. values]));
        return (int)result == 1;
    }

    // One round trip per batch of readers; the commands of a batch are sent together and answered together.
    private async Task PipelineAsync(IReadOnlyList<UserId> readers, Func<IBatch, UserId, Task[]> commands)
    {
        foreach (var chunk in readers.Chunk(_options.FanOutBatchSize))
        {
            var batch = Db.CreateBatch();
            var pending = chunk.SelectMany(reader => commands(batch, reader)).ToArray();
            await RedisCalls.RunAsync(() =>
            {
                batch.Execute();
                return Task.WhenAll(pending);
            });
        }
    }

    private static UserId[] UserIds(RedisResult handles) => [.. ((RedisResult[])handles!).Select(handle => new UserId((string)handle!))];

    private static PostId[] PostIds(RedisResult ids) => [.. ((RedisResult[])ids!).Select(id => new PostId((string)id!))];

    private static string Words(IReadOnlyList<string> words) => string.Join(' ', words);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
