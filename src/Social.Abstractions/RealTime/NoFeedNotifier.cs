using Social.Abstractions.Notifications;
using Social.Abstractions.Posts;
using Social.Domain.Ids;

namespace Social.Abstractions.RealTime;

/// <summary>The notifier of a silo that serves no clients (tests of the grains, the benchmark): pushes go nowhere.</summary>
public sealed class NoFeedNotifier : IFeedNotifier
{
    /// <inheritdoc/>
    public Task PostAddedAsync(IReadOnlyList<UserId> readers, PostView post) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task PostRemovedAsync(IReadOnlyList<UserId> readers, PostId post) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task CommentAddedAsync(UserId postAuthor, CommentView comment) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task NotificationAddedAsync(UserId recipient, NotificationView notification) => Task.CompletedTask;
}
