using Social.Domain.Ids;
using Social.Infrastructure.ReadModels;
using StackExchange.Redis;
using Xunit;

namespace Social.Infrastructure.Tests.ReadModels;

public sealed class RedisKeysTests
{
    private static readonly UserId s_user = new("alice");
    private static readonly PostId s_post = PostId.New(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private static readonly CommentId s_comment = CommentId.New(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static IEnumerable<RedisKey> AllKinds() =>
    [
        RedisKeys.Checkpoint(s_user.StreamId),
        RedisKeys.Checkpoint(s_post.StreamId),
        RedisKeys.Post(s_post),
        RedisKeys.User(s_user),
        RedisKeys.Comment(s_comment),
        RedisKeys.Comments(s_post),
        RedisKeys.Followers(s_user),
        RedisKeys.Following(s_user),
        RedisKeys.HomeTimeline(s_user),
        RedisKeys.UserTimeline(s_user),
        RedisKeys.MergedAtRead,
    ];

    [Fact]
    public void Keys_EveryKind_StartsWithThePrefixThatDropAllRemoves()
    {
        Assert.All(AllKinds(), key => Assert.StartsWith(RedisKeys.Prefix, (string)key!, StringComparison.Ordinal));
        Assert.StartsWith(RedisKeys.Prefix, RedisKeys.CommentPrefix, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_DifferentKindsOfTheSameValue_AreDifferentKeys()
    {
        var keys = AllKinds().Select(k => (string)k!).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Comment_UsesCommentPrefix_AsThePostDeletionScriptExpects()
    {
        Assert.Equal(RedisKeys.CommentPrefix + s_comment.Value, (string)RedisKeys.Comment(s_comment)!);
    }

    [Fact]
    public void Keys_ScriptsBuildTheSameNames_AsRedisKeys()
    {
        // The query scripts build post, user, home, following, timeline and comment keys from the prefix themselves.
        Assert.Equal($"s:post:{s_post.Value}", (string)RedisKeys.Post(s_post)!);
        Assert.Equal("s:user:alice", (string)RedisKeys.User(s_user)!);
        Assert.Equal("s:home:alice", (string)RedisKeys.HomeTimeline(s_user)!);
        Assert.Equal("s:following:alice", (string)RedisKeys.Following(s_user)!);
        Assert.Equal("s:posts:alice", (string)RedisKeys.UserTimeline(s_user)!);
        Assert.Equal($"s:comments:{s_post.Value}", (string)RedisKeys.Comments(s_post)!);
        Assert.Equal($"s:comment:{s_comment.Value}", (string)RedisKeys.Comment(s_comment)!);
        Assert.Equal("s:merged", (string)RedisKeys.MergedAtRead!);
        Assert.Contains("p .. 'post:'", QueryScripts.HomeTimeline, StringComparison.Ordinal);
        Assert.Contains("p .. 'home:'", QueryScripts.HomeTimeline, StringComparison.Ordinal);
        Assert.Contains("p .. 'following:'", QueryScripts.HomeTimeline, StringComparison.Ordinal);
        Assert.Contains("p .. 'posts:'", QueryScripts.HomeTimeline, StringComparison.Ordinal);
        Assert.Contains("p .. 'merged'", QueryScripts.HomeTimeline, StringComparison.Ordinal);
        Assert.Contains("p .. 'comments:'", QueryScripts.Comments, StringComparison.Ordinal);
        Assert.Contains("p .. 'comment:'", QueryScripts.Comments, StringComparison.Ordinal);
        Assert.Contains($"'{RedisKeys.Prefix}'", QueryScripts.HomeTimeline, StringComparison.Ordinal);
    }
}
