using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Domain.Users;
using Social.Grains.EventSourcing;

namespace Social.Grains.Users;

/// <summary>A user account: registration, profile, password, follows, blocks and mutes, deletion; event-sourced in the user's stream.</summary>
public sealed class UserGrain(IEventStore store, IReadModelQueries readModels, TimeProvider clock)
    : EventSourcedGrain<UserState, UserEvent>(store), IUserGrain
{
    private static readonly TimeSpan CountsWait = TimeSpan.FromMilliseconds(500);

    // The counts last read from the read model, for answering a write while Redis is down.
    private UserCounts _counts = new(Followers: 0, Posts: 0);

    private UserId Id => new(this.GetPrimaryKeyString());

    protected override string StreamId => Id.StreamId;

    protected override void Apply(UserState state, UserEvent @event) => state.Apply(@event);

    public async Task<UserView> RegisterAsync(string displayName, string passwordHash)
    {
        await ExecuteAsync(state => state.Register(Id.Value, displayName, passwordHash, clock.GetUtcNow()));
        return ToView(new UserCounts(Followers: 0, Posts: 0));
    }

    public async Task<UserView> GetAsync()
    {
        EnsureExists();
        _counts = await readModels.ReadCountsAsync(Id);
        return ToView(_counts);
    }

    public Task<UserSummary> GetSummaryAsync()
    {
        EnsureExists();
        return Task.FromResult(new UserSummary(State.Handle, State.DisplayName));
    }

    public Task<StoredCredential?> GetCredentialAsync()
    {
        ForgetIfEmpty();
        return Task.FromResult(State.IsActive ? new StoredCredential(State.PasswordHash, State.SecurityStamp) : null);
    }

    public Task<int?> GetSecurityStampAsync()
    {
        ForgetIfEmpty();
        return Task.FromResult(State.IsActive ? State.SecurityStamp : (int?)null);
    }

    public async Task<int> ChangePasswordAsync(string newPasswordHash, int verifiedStamp)
    {
        await ExecuteAsync(state => state.ChangePassword(newPasswordHash, verifiedStamp, clock.GetUtcNow()));
        return State.SecurityStamp;
    }

    public Task DeleteAsync(int verifiedStamp) => ExecuteAsync(state => state.Delete(verifiedStamp, clock.GetUtcNow()));

    public async Task<UserView> UpdateProfileAsync(string? displayName, string? bio)
    {
        await ExecuteAsync(state => state.UpdateProfile(displayName, bio, clock.GetUtcNow()));
        return ToView(await CountsAfterWriteAsync());
    }

    public async Task FollowAsync(UserId followee)
    {
        var blocked = await NewOtherAsync(followee, State.Following) && await GrainFactory.GetGrain<IUserGrain>(followee.Value).BlocksAsync(Id);
        await ExecuteAsync(state => state.Follow(followee, blocked, clock.GetUtcNow()));
    }

    public async Task BlockAsync(UserId other)
    {
        await NewOtherAsync(other, State.Blocking);
        await ExecuteAsync(state => state.Block(other, clock.GetUtcNow()));
    }

    public Task UnblockAsync(UserId other) => ExecuteAsync(state => state.Unblock(other, clock.GetUtcNow()));

    public async Task MuteAsync(UserId other)
    {
        await NewOtherAsync(other, State.Muting);
        await ExecuteAsync(state => state.Mute(other, clock.GetUtcNow()));
    }

    public Task UnmuteAsync(UserId other) => ExecuteAsync(state => state.Unmute(other, clock.GetUtcNow()));

    public Task<bool> BlocksAsync(UserId other) => Task.FromResult(State.IsActive && State.Blocking.Contains(other));

    public Task UnfollowAsync(UserId followee) => ExecuteAsync(state => state.Unfollow(followee, clock.GetUtcNow()));

    public Task ReadNotificationsAsync(NotificationId lastRead) =>
        ExecuteAsync(state => state.ReadNotifications(lastRead, clock.GetUtcNow()));

    public async Task<bool> IsAdministratorAsync()
    {
        await CatchUpAsync();
        ForgetIfEmpty();
        return State.IsAdministrator;
    }

    public Task<bool> ExistsAsync()
    {
        ForgetIfEmpty();
        return Task.FromResult(State.IsActive);
    }

    // A write commits whether or not Redis is up; its answer then carries the counts last seen. It does not wait for a
    // Redis that does not answer (the client's own timeout is seconds): the write is done, and the counts are a courtesy.
    private async Task<UserCounts> CountsAfterWriteAsync()
    {
        try
        {
            _counts = await readModels.ReadCountsAsync(Id).WaitAsync(CountsWait);
        }
        catch (Exception e) when (e is StoreUnavailableException or TimeoutException)
        {
        }

        return _counts;
    }

    // True when the command is about another user not yet in the set (a follow, block or mute that would be new): that
    // user must exist (else not found). Oneself and a repeat are the decision's to answer (400, or nothing to do).
    private async Task<bool> NewOtherAsync(UserId other, IReadOnlySet<UserId> already)
    {
        EnsureExists();
        if (other == Id || already.Contains(other))
        {
            return false;
        }

        return await GrainFactory.GetGrain<IUserGrain>(other.Value).ExistsAsync() ? true : throw new NotFoundException($"There is no user '{other}'.");
    }

    private void EnsureExists()
    {
        if (!State.IsActive)
        {
            ForgetIfEmpty();
            throw new NotFoundException($"There is no user '{Id}'.");
        }
    }

    // Followers and posts are counted by the projections; the grain knows only the users it follows.
    private UserView ToView(UserCounts counts) => new(
        State.Handle, State.DisplayName, State.Bio, counts.Followers, State.Following.Count, counts.Posts, State.CreatedAt);
}
