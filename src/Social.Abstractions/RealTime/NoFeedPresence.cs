using Social.Domain.Ids;

namespace Social.Abstractions.RealTime;

/// <summary>The presence of a silo that serves no clients (tests of the grains, the benchmark): nobody is connected.</summary>
public sealed class NoFeedPresence : IFeedPresence
{
    /// <inheritdoc/>
    public Task<IReadOnlyList<UserId>> ConnectedAsync(IReadOnlyList<UserId> readers) => Task.FromResult<IReadOnlyList<UserId>>([]);

    /// <inheritdoc/>
    public Task<IReadOnlyList<UserId>> ConnectedFollowersAsync(UserId author) => Task.FromResult<IReadOnlyList<UserId>>([]);
}
