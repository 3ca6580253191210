using Social.Abstractions.Notifications;
using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Abstractions.RealTime;
using Social.Domain.Ids;

namespace Social.Grains.Projections;

/// <summary>
/// The pushes of one event's side effects, after its timeline writes: only to readers who are connected, with the
/// post's view read once and only if someone is. Disabled (every call does nothing) for events too old to push.
/// </summary>
internal sealed class EventPushes(IFeedPresence presence, IFeedNotifier feed, IReadModelQueries queries, bool enabled)
{
    private PostView? _view;

    /// <summary>
    /// <c>postAdded</c> to the connected <paramref name="readers"/>; with <paramref name="author"/>, only to those who see
    /// the author (readers the fan-out wrote to were filtered by it; those of a post merged at read time are filtered here).
    /// </summary>
    public async Task PostAddedAsync(IReadOnlyList<UserId> readers, PostId post, UserId? author = null)
    {
        var connected = await ConnectedAsync(readers);
        if (author is { } by && connected.Count > 0)
        {
            connected = await queries.WhoSeesAsync(by, connected, mutes: true);
        }

        if (connected.Count > 0 && (_view ??= (await queries.ReadPostsAsync([post])).FirstOrDefault()) is { } view)
        {
            await feed.PostAddedAsync(connected, view);
        }
    }

    /// <summary>Posts of <paramref name="author"/> that entered one reader's timeline together (a follow's backfill), oldest first; none to a reader who mutes them.</summary>
    public async Task PostsAddedAsync(UserId reader, IReadOnlyList<PostId> posts, UserId author)
    {
        if (posts.Count == 0 || (await ConnectedAsync([reader])).Count == 0 || (await queries.WhoSeesAsync(author, [reader], mutes: true)).Count == 0)
        {
            return;
        }

        // Sent in order and awaited together: one round trip for them all, not one each.
        var views = (await queries.ReadPostsAsync(posts)).OrderBy(view => view.Id, StringComparer.Ordinal);
        await Task.WhenAll(views.Select(view => feed.PostAddedAsync([reader], view)).ToList());
    }

    public async Task PostRemovedAsync(IReadOnlyList<UserId> readers, PostId post)
    {
        if (await ConnectedAsync(readers) is { Count: > 0 } connected)
        {
            await feed.PostRemovedAsync(connected, post);
        }
    }

    public async Task PostsRemovedAsync(UserId reader, IReadOnlyList<PostId> posts)
    {
        if (posts.Count == 0 || (await ConnectedAsync([reader])).Count == 0)
        {
            return;
        }

        await Task.WhenAll(posts.Select(post => feed.PostRemovedAsync([reader], post)).ToList());
    }

    public async Task CommentAddedAsync(PostId post, CommentId comment)
    {
        if (!enabled || (await queries.ReadPostsAsync([post])).FirstOrDefault() is not { } view)
        {
            return;
        }

        var author = new UserId(view.Author.Handle);
        if ((await presence.ConnectedAsync([author])).Count > 0 && await queries.ReadCommentAsync(post, comment) is { } added
            && (await queries.WhoSeesAsync(new UserId(added.Author.Handle), [author], mutes: false)).Count > 0)
        {
            await feed.CommentAddedAsync(author, added);
        }
    }

    /// <summary>
    /// Notifications of one actor just stored, each pushed to its recipient if connected (one presence check for them
    /// all) and not on either side of a block with the actor or muting them.
    /// </summary>
    public async Task NotificationsAddedAsync(UserId actor, IReadOnlyList<(UserId Recipient, NotificationView Notification)> added)
    {
        var connected = await ConnectedAsync([.. added.Select(n => n.Recipient).Distinct()]);
        var seeing = (connected.Count == 0 ? [] : await queries.WhoSeesAsync(actor, connected, mutes: true)).ToHashSet();
        await Task.WhenAll(added.Where(n => seeing.Contains(n.Recipient)).Select(n => feed.NotificationAddedAsync(n.Recipient, n.Notification)).ToList());
    }

    /// <summary>The connected followers of an author whose posts are not fanned out (merged at read time).</summary>
    public async Task<IReadOnlyList<UserId>> ConnectedFollowersAsync(UserId author) =>
        enabled ? await presence.ConnectedFollowersAsync(author) : [];

    private async Task<IReadOnlyList<UserId>> ConnectedAsync(IReadOnlyList<UserId> readers) =>
        enabled && readers.Count > 0 ? await presence.ConnectedAsync(readers) : [];
}
