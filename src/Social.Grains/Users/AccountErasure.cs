using Social.Abstractions.Posts;
using Social.Abstractions.Users;
using Social.Domain.Errors;
using Social.Domain.Ids;

namespace Social.Grains.Users;

/// <summary>
/// What follows an account's deletion (run by its projection, so it is completed after any crash): what the account
/// did that others see is undone by the same commands a user would send (its posts and comments deleted, its likes
/// taken back, its followers made to unfollow it), so every read model and count follows as for those commands, and a
/// rebuild gives the same result; then its personal data is blanked in the event store. Every step may run again.
/// </summary>
public sealed class AccountErasure(IAccountErasureStore store, IGrainFactory grains, TimeProvider clock)
{
    // Calls in flight at once: enough to hide the round trips, few enough not to crowd out the users' own commands.
    private const int Concurrency = 16;

    // Other instances honour the account's tokens for up to a second after its deletion, and a command already past
    // its checks may commit a little later still: what lands by then is undone by a second pass.
    private static readonly TimeSpan LateCommands = TimeSpan.FromSeconds(3);

    public async Task EraseAsync(UserId user, DateTimeOffset deletedAt)
    {
        await UndoFootprintAsync(user);
        // A rebuild replays old deletions: nothing can still be landing for those.
        if (LateCommands - (clock.GetUtcNow() - deletedAt) is { Ticks: > 0 } wait)
        {
            await Task.Delay(wait, clock);
            await UndoFootprintAsync(user);
        }

        await store.RedactAsync(user);
    }

    private async Task UndoFootprintAsync(UserId user)
    {
        var footprint = await store.FindFootprintAsync(user);
        await UndoEachAsync(footprint.Posts, post => Post(post).DeleteAsync(user));
        await UndoEachAsync(footprint.Comments, comment => Post(comment.Post).DeleteCommentAsync(comment.Comment, user));
        await UndoEachAsync(footprint.Likes, post => Post(post).UnlikeAsync(user));
        await UndoEachAsync(footprint.Followers, follower => grains.GetGrain<IUserGrain>(follower.Value).UnfollowAsync(user));
    }

    private IPostGrain Post(PostId post) => grains.GetGrain<IPostGrain>(post.Value);

    // Not found is undone already: a post deleted before (with its comments and likes), a comment deleted, a follower
    // whose own account is gone.
    private static async Task UndoEachAsync<T>(IReadOnlyList<T> items, Func<T, Task> undo)
    {
        foreach (var chunk in items.Chunk(Concurrency))
        {
            await Task.WhenAll(chunk.Select(async item =>
            {
                try
                {
                    await undo(item);
                }
                catch (NotFoundException)
                {
                }
            }));
        }
    }
}
