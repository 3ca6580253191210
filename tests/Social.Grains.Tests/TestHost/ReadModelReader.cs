using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Domain.Ids;
using Xunit;

namespace Social.Grains.Tests.TestHost;

/// <summary>Reads whole lists from the read models, as a client does: page after page, following <c>nextCursor</c>.</summary>
public static class ReadModelReader
{
    private const int MaxPages = 10_000;

    public static Task<List<TimelineEntry>> HomeAsync(this IReadModelQueries queries, UserId reader, int limit = PageRequest.MaxLimit, string? since = null) =>
        WalkAsync(page => queries.ReadHomeTimelineAsync(reader, page), limit, since);

    public static Task<List<TimelineEntry>> UserPostsAsync(this IReadModelQueries queries, UserId author, int limit = PageRequest.MaxLimit) =>
        WalkAsync(page => queries.ReadUserTimelineAsync(author, page), limit, since: null);

    /// <summary>The ids of the reader's whole home timeline, newest first.</summary>
    public static async Task<List<string>> HomeIdsAsync(this IReadModelQueries queries, UserId reader) =>
        [.. (await queries.HomeAsync(reader)).Select(e => e.PostId)];

    /// <summary>The ids of the author's whole user timeline, newest first.</summary>
    public static async Task<List<string>> UserPostIdsAsync(this IReadModelQueries queries, UserId author) =>
        [.. (await queries.UserPostsAsync(author)).Select(e => e.PostId)];

    public static async Task<List<UserSummary>> FollowsAsync(this IReadModelQueries queries, UserId user, UserList direction, int limit = PageRequest.MaxLimit)
    {
        var all = new List<UserSummary>();
        string? cursor = null;
        for (var pages = 0; pages < MaxPages; pages++)
        {
            var page = await queries.ReadUserListAsync(user, direction, new PageRequest(limit, cursor));
            all.AddRange(page.Items);
            if (page.NextCursor is null)
            {
                return all;
            }

            cursor = page.NextCursor;
        }

        throw new InvalidOperationException($"The {direction} list of {user} did not end after {MaxPages} pages.");
    }

    public static async Task<List<CommentView>> CommentsAsync(this IReadModelQueries queries, PostId post, int limit = PageRequest.MaxLimit)
    {
        var all = new List<CommentView>();
        string? cursor = null;
        for (var pages = 0; pages < MaxPages; pages++)
        {
            var page = await queries.ReadCommentsAsync(post, new PageRequest(limit, cursor));
            all.AddRange(page.Items);
            if (page.NextCursor is null)
            {
                return all;
            }

            cursor = page.NextCursor;
        }

        throw new InvalidOperationException($"The comments of {post} did not end after {MaxPages} pages.");
    }

    /// <summary>Every entry of a timeline, following <c>nextCursor</c> to the end.</summary>
    public static async Task<List<TimelineEntry>> WalkAsync(Func<PageRequest, Task<TimelinePage>> read, int limit, string? since, Func<Task>? betweenPages = null)
    {
        var all = new List<TimelineEntry>();
        string? cursor = null;
        for (var pages = 0; pages < MaxPages; pages++)
        {
            var page = await read(new PageRequest(limit, cursor, since));
            Assert.True(page.Items.Count <= limit, $"A page of limit {limit} had {page.Items.Count} items.");
            all.AddRange(page.Items);
            if (page.NextCursor is null)
            {
                return all;
            }

            cursor = page.NextCursor;
            if (betweenPages is not null)
            {
                await betweenPages();
            }
        }

        throw new InvalidOperationException($"A timeline did not end after {MaxPages} pages.");
    }
}
