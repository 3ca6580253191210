using Social.Abstractions.EventStore;
using Social.Abstractions.Posts;
using Social.Abstractions.Users;
using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Domain.Posts;
using Social.Domain.Text;
using Social.Grains.EventSourcing;

namespace Social.Grains.Posts;

/// <summary>
/// A post with its comments and likes, event-sourced in the post's stream. Its state holds their counts only: a command
/// about one comment or one like looks that up in the stream (<see cref="IPostActivity"/>, one indexed read).
/// </summary>
// Posts are made at thousands a second and most are never written to again after their first minutes: collected after
// two idle minutes (not Orleans's fifteen), an instance holds the posts of the last few minutes, not of the last quarter
// hour, and its per-activation costs (memory, the runtime's activation counts) stay bounded.
[CollectionAgeLimit(Minutes = 2)]
public sealed class PostGrain(IEventStore store, ISnapshotStore snapshots, IPostActivity activity, TimeProvider clock)
    : EventSourcedGrain<PostState, PostEvent>(store, snapshots), IPostGrain
{
    private PostId Id => new(this.GetPrimaryKeyString());

    protected override string StreamId => Id.StreamId;

    // A popular post's likes and comments make a long stream; most posts never reach a snapshot.
    protected override int SnapshotEvery => 1000;

    protected override void Apply(PostState state, PostEvent @event) => state.Apply(@event);

    public async Task<PostView> CreateAsync(UserId author, string text)
    {
        // An unknown author fails the command before anything is written; the summary is also the view's author.
        // Asked together: the author, and which of the handles the text mentions are users.
        var normalized = TextRules.PostText(text);
        var summary = GrainFactory.GetGrain<IUserGrain>(author.Value).GetSummaryAsync();
        var users = MentionedUsersAsync(normalized);
        await Task.WhenAll(summary, users);
        var mentionable = users.Result;
        await ExecuteAsync(state => state.Create(Id, author, text, mentionable.Contains, clock.GetUtcNow()));
        return ToView(await summary);
    }

    public async Task<PostView> GetAsync()
    {
        EnsureLive();
        return ToView(await GrainFactory.GetGrain<IUserGrain>(State.AuthorId.Value).GetSummaryAsync());
    }

    public Task DeleteAsync(UserId by) => ExecuteAsync(state => state.Delete(by, clock.GetUtcNow()));

    public async Task<CommentView> AddCommentAsync(CommentId commentId, UserId author, string text)
    {
        // An unknown author fails the command before anything is written.
        var summary = await GrainFactory.GetGrain<IUserGrain>(author.Value).GetSummaryAsync();
        await EnsureNotBlockedAsync(author);
        var users = await MentionedUsersAsync(TextRules.CommentText(text));
        CommentState? existing = null;
        CommentAdded? added = null;
        await ExecuteAsync(async state =>
        {
            existing = state.Exists ? await activity.FindLiveCommentAsync(Id, commentId) : null;
            return added = state.AddComment(commentId, author, text, existing, users.Contains, clock.GetUtcNow());
        });
        // Gone only when a replayed request's comment was deleted since it was made.
        existing ??= added is null ? await activity.FindLiveCommentAsync(Id, commentId) : null;
        var comment = added is not null ? new CommentState(commentId, author, added.Text, added.At, added.Mentions ?? [])
            : existing ?? throw new NotFoundException($"There is no comment '{commentId}' on this post.");
        return new CommentView(commentId.Value, Id.Value, summary, comment.Text, comment.CreatedAt, comment.Mentions);
    }

    // The comment or like a command is about is looked up inside the decision, so a decision made again (after another
    // activation wrote first) looks again. A post that does not exist has none to look up: its decision is not found.
    public Task DeleteCommentAsync(CommentId commentId, UserId by) => ExecuteAsync(async state =>
        (PostEvent?)state.DeleteComment(commentId, state.Exists ? await activity.FindLiveCommentAsync(Id, commentId) : null, by, clock.GetUtcNow()));

    public async Task LikeAsync(UserId by)
    {
        await EnsureNotBlockedAsync(by);
        await ExecuteAsync(async state => (PostEvent?)state.Like(by, state.Exists ? await activity.FindLikeAsync(Id, by) : LikeRecord.None, clock.GetUtcNow()));
    }

    public Task UnlikeAsync(UserId by) => ExecuteAsync(async state =>
        (PostEvent?)state.Unlike(by, state.Exists ? await activity.FindLikeAsync(Id, by) : LikeRecord.None, clock.GetUtcNow()));

    // API.md: while a block lasts, the blocked user cannot comment on or like the blocker's posts. The author's grain
    // knows whom they block; a post that is not live fails its command on its own.
    private async Task EnsureNotBlockedAsync(UserId user)
    {
        if (State.IsLive && user != State.AuthorId && await GrainFactory.GetGrain<IUserGrain>(State.AuthorId.Value).BlocksAsync(user))
        {
            throw new ForbiddenException("The post's author blocks you.");
        }
    }

    // Which of the handles a text mentions belong to registered users, asked of their grains together (most texts
    // mention nobody, and this asks nothing).
    private async Task<HashSet<string>> MentionedUsersAsync(string normalizedText)
    {
        var handles = TextEntities.Mentions(normalizedText);
        var exists = await Task.WhenAll(handles.Select(handle => GrainFactory.GetGrain<IUserGrain>(handle).ExistsAsync()));
        return [.. handles.Where((_, i) => exists[i])];
    }

    private void EnsureLive()
    {
        if (!State.IsLive)
        {
            ForgetIfEmpty();
            throw new NotFoundException($"There is no post '{Id}'.");
        }
    }

    private PostView ToView(UserSummary author) =>
        new(Id.Value, author, State.Text, State.CreatedAt, State.CommentCount, State.LikeCount, State.Mentions, State.Tags);
}
