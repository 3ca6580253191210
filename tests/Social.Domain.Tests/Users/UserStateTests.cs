using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Domain.Users;
using Xunit;
using static Social.Domain.Tests.TestData;

namespace Social.Domain.Tests.Users;

public sealed class UserStateTests
{
    private const string Hash = "pbkdf2$hash";

    private static readonly UserRegistered _aliceRegistered = new(Alice, "alice", "Alice", Hash, T0);

    private static UserState Given(params UserEvent[] events)
    {
        var state = new UserState();
        foreach (var e in events)
        {
            state.Apply(e);
        }

        return state;
    }

    [Fact]
    public void Register_NewUser_RaisesUserRegisteredWithNormalizedValues()
    {
        var e = Given().Register("Alice", "  Alice  ", Hash, T0);

        Assert.Equal(_aliceRegistered, e);
    }

    [Fact]
    public void Register_HandleTaken_ThrowsConflict()
    {
        var e = Assert.Throws<ConflictException>(() => Given(_aliceRegistered).Register("alice", "Another Alice", Hash, T0));

        Assert.Equal("The handle 'alice' is taken.", e.Message);
    }

    [Theory]
    [InlineData("al")]
    [InlineData("abcdefghijklmnopqrstuvwxyz01234")]
    [InlineData("al-ice")]
    [InlineData("alice\n")]
    [InlineData(" alice")]
    public void Register_BadHandle_ThrowsValidationOnHandle(string handle)
    {
        var e = Assert.Throws<ValidationException>(() => Given().Register(handle, "Alice", Hash, T0));

        Assert.Equal(["handle"], e.Errors.Keys);
    }

    [Fact]
    public void Register_BadHandleAndDisplayName_ReportsBothFields()
    {
        var e = Assert.Throws<ValidationException>(() => Given().Register("a", " ", Hash, T0));

        Assert.Equal(["displayName", "handle"], e.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\t")]
    [InlineData("123456789012345678901234567890123456789012345678901")]
    [InlineData("Alice\u202E")]
    [InlineData("\u200B")]
    [InlineData("\tAlice")]
    public void Register_BadDisplayName_ThrowsValidationOnDisplayName(string displayName)
    {
        var e = Assert.Throws<ValidationException>(() => Given().Register("alice", displayName, Hash, T0));

        Assert.Equal(["displayName"], e.Errors.Keys);
    }

    [Fact]
    public void Register_NoPasswordHash_IsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => Given().Register("alice", "Alice", "", T0));
    }

    [Fact]
    public void Apply_UserRegistered_SetsTheProfile()
    {
        var state = Given(_aliceRegistered);

        Assert.True(state.Exists);
        Assert.Equal(Alice, state.Id);
        Assert.Equal("alice", state.Handle);
        Assert.Equal("Alice", state.DisplayName);
        Assert.Equal("", state.Bio);
        Assert.Equal(Hash, state.PasswordHash);
        Assert.Equal(T0, state.CreatedAt);
        Assert.Empty(state.Following);
    }

    [Fact]
    public void UpdateProfile_NewDisplayName_RaisesFullNewValues()
    {
        var state = Given(_aliceRegistered, new ProfileUpdated(Alice, "Alice", "Bio", T0));

        var e = state.UpdateProfile(" Alice L. ", null, T0.AddMinutes(1));

        Assert.Equal(new ProfileUpdated(Alice, "Alice L.", "Bio", T0.AddMinutes(1)), e);
    }

    [Fact]
    public void UpdateProfile_NewBio_KeepsDisplayName()
    {
        var e = Given(_aliceRegistered).UpdateProfile(null, "Writes code.", T0);

        Assert.Equal(new ProfileUpdated(Alice, "Alice", "Writes code.", T0), e);
    }

    [Fact]
    public void UpdateProfile_EmptyBio_ClearsIt()
    {
        var state = Given(_aliceRegistered, new ProfileUpdated(Alice, "Alice", "Bio", T0));

        Assert.Equal(new ProfileUpdated(Alice, "Alice", "", T0), state.UpdateProfile(null, "", T0));
    }

    [Theory]
    [InlineData("Al\u2066ice", null, "displayName")]
    [InlineData("\u2060", null, "displayName")]
    [InlineData(null, "bio\twith a tab", "bio")]
    [InlineData(null, "\u202Ebackwards", "bio")]
    public void UpdateProfile_RefusedText_ThrowsValidationOnThatField(string? displayName, string? bio, string field)
    {
        var state = Given(_aliceRegistered);

        var e = Assert.Throws<ValidationException>(() => state.UpdateProfile(displayName, bio, T0));

        Assert.Equal([field], e.Errors.Keys);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Alice", null)]
    [InlineData(" Alice ", "Bio")]
    [InlineData(null, "Bio\n")]
    public void UpdateProfile_Unchanged_RaisesNothing(string? displayName, string? bio)
    {
        var state = Given(_aliceRegistered, new ProfileUpdated(Alice, "Alice", "Bio", T0));

        Assert.Null(state.UpdateProfile(displayName, bio, T0));
    }

    [Fact]
    public void UpdateProfile_BadDisplayNameAndBio_ReportsBothFields()
    {
        var e = Assert.Throws<ValidationException>(
            () => Given(_aliceRegistered).UpdateProfile("", new string('b', 161), T0));

        Assert.Equal(["bio", "displayName"], e.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void UpdateProfile_BioOf160_IsAcceptedAnd161IsNot()
    {
        var state = Given(_aliceRegistered);

        Assert.NotNull(state.UpdateProfile(null, new string('b', 160), T0));
        Assert.Equal(["bio"], Assert.Throws<ValidationException>(() => state.UpdateProfile(null, new string('b', 161), T0)).Errors.Keys);
    }

    [Fact]
    public void UpdateProfile_UnknownUser_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given().UpdateProfile("Name", null, T0));
    }

    [Fact]
    public void Apply_ProfileUpdated_SetsDisplayNameAndBio()
    {
        var state = Given(_aliceRegistered, new ProfileUpdated(Alice, "Al", "Bio", T0));

        Assert.Equal("Al", state.DisplayName);
        Assert.Equal("Bio", state.Bio);
    }

    [Fact]
    public void Follow_SomeoneElse_RaisesUserFollowed()
    {
        Assert.Equal(new UserFollowed(Alice, Bob, T0), Given(_aliceRegistered).Follow(Bob, false, T0));
    }

    [Fact]
    public void Follow_Yourself_ThrowsValidationOnHandle()
    {
        var e = Assert.Throws<ValidationException>(() => Given(_aliceRegistered).Follow(Alice, false, T0));

        Assert.Equal(["You cannot follow yourself."], e.Errors["handle"]);
    }

    [Fact]
    public void Follow_Twice_RaisesNothing()
    {
        Assert.Null(Given(_aliceRegistered, new UserFollowed(Alice, Bob, T0)).Follow(Bob, false, T0));
    }

    [Fact]
    public void Follow_AfterUnfollow_RaisesUserFollowedAgain()
    {
        var state = Given(_aliceRegistered, new UserFollowed(Alice, Bob, T0), new UserUnfollowed(Alice, Bob, T0));

        Assert.Equal(new UserFollowed(Alice, Bob, T0), state.Follow(Bob, false, T0));
    }

    [Fact]
    public void Follow_UnknownUser_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given().Follow(Bob, false, T0));
    }

    [Fact]
    public void Unfollow_Following_RaisesUserUnfollowed()
    {
        var state = Given(_aliceRegistered, new UserFollowed(Alice, Bob, T0));

        Assert.Equal(new UserUnfollowed(Alice, Bob, T0), state.Unfollow(Bob, T0));
    }

    [Fact]
    public void Unfollow_NotFollowing_RaisesNothing()
    {
        Assert.Null(Given(_aliceRegistered, new UserFollowed(Alice, Carol, T0)).Unfollow(Bob, T0));
    }

    [Fact]
    public void Unfollow_UnknownUser_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given().Unfollow(Bob, T0));
    }

    [Fact]
    public void Apply_FollowsAndUnfollows_KeepsTheFollowingSet()
    {
        var state = Given(
            _aliceRegistered,
            new UserFollowed(Alice, Bob, T0),
            new UserFollowed(Alice, Carol, T0),
            new UserUnfollowed(Alice, Bob, T0));

        Assert.Equal([Carol], state.Following);
    }

    [Fact]
    public void Decisions_Always_LeaveTheStateUnchanged()
    {
        var state = Given(_aliceRegistered);

        _ = state.Follow(Bob, false, T0);
        _ = state.UpdateProfile("New", "New bio", T0);

        Assert.Empty(state.Following);
        Assert.Equal("Alice", state.DisplayName);
        Assert.Equal("", state.Bio);
    }

    [Fact]
    public void ApplyUserEvent_Dispatches_ToTheTypedApply()
    {
        var state = new UserState();
        UserEvent[] events = [_aliceRegistered, new ProfileUpdated(Alice, "A", "B", T0), new UserFollowed(Alice, Bob, T0)];
        foreach (var e in events)
        {
            state.Apply(e);
        }

        Assert.Equal(("A", "B"), (state.DisplayName, state.Bio));
        Assert.Equal([Bob], state.Following);
    }

    [Fact]
    public void UserId_OfRegisteredEvent_IsTheNormalizedHandle()
    {
        var e = Given().Register("CaRoL", "Carol", Hash, T0);

        Assert.Equal(UserId.FromHandle("carol"), e.UserId);
        Assert.Equal("carol", e.Handle);
    }

    [Fact]
    public void GrantAdministrator_RegisteredUser_RaisesOnceAndRevokeUndoesIt()
    {
        var granted = Given(_aliceRegistered).GrantAdministrator(T0);

        Assert.Equal(new AdministratorGranted(Alice, T0), granted);
        Assert.True(Given(_aliceRegistered, granted!).IsAdministrator);
        Assert.Null(Given(_aliceRegistered, granted!).GrantAdministrator(T0));
        Assert.Null(Given(_aliceRegistered).RevokeAdministrator(T0));
        var revoked = Given(_aliceRegistered, granted!).RevokeAdministrator(T0);
        Assert.Equal(new AdministratorRevoked(Alice, T0), revoked);
        Assert.False(Given(_aliceRegistered, granted!, revoked!).IsAdministrator);
    }

    [Fact]
    public void GrantAdministrator_NoSuchUser_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given().GrantAdministrator(T0));
        Assert.Throws<NotFoundException>(() => Given().RevokeAdministrator(T0));
    }

    [Fact]
    public void ChangePassword_WithTheCurrentStamp_RaisesPasswordChangedAndMovesTheStampOn()
    {
        var state = Given(_aliceRegistered);

        var e = state.ChangePassword("pbkdf2$new", verifiedStamp: 0, T0);
        state.Apply(e);

        Assert.Equal(new PasswordChanged(Alice, "pbkdf2$new", T0), e);
        Assert.Equal("pbkdf2$new", state.PasswordHash);
        Assert.Equal(1, state.SecurityStamp);
    }

    [Fact]
    public void ChangePassword_CheckedAgainstAnOlderStamp_IsForbidden()
    {
        var state = Given(_aliceRegistered, new PasswordChanged(Alice, "pbkdf2$second", T0));

        Assert.Throws<ForbiddenException>(() => state.ChangePassword("pbkdf2$third", verifiedStamp: 0, T0));
        Assert.Throws<ForbiddenException>(() => state.Delete(verifiedStamp: 0, T0).ToList());
    }

    [Fact]
    public void Delete_EndsTheUsersOwnFollowsFirst_ThenDeletesTheAccount()
    {
        var state = Given(_aliceRegistered, new UserFollowed(Alice, Carol, T0), new UserFollowed(Alice, Bob, T0));

        var events = state.Delete(verifiedStamp: 0, T0).ToList();

        Assert.Equal<UserEvent>([new UserUnfollowed(Alice, Bob, T0), new UserUnfollowed(Alice, Carol, T0), new AccountDeleted(Alice, T0)], events);
    }

    [Fact]
    public void Deleted_KeepsNothingPersonal_KeepsTheHandleTaken_AndRefusesEveryCommand()
    {
        var state = Given(_aliceRegistered, new ProfileUpdated(Alice, "Alice", "bio", T0), new AdministratorGranted(Alice, T0), new AccountDeleted(Alice, T0));

        Assert.False(state.IsActive);
        Assert.Equal((string.Empty, string.Empty, string.Empty), (state.DisplayName, state.Bio, state.PasswordHash));
        Assert.False(state.IsAdministrator);
        Assert.Throws<ConflictException>(() => state.Register("alice", "Alice again", Hash, T0));
        Assert.Throws<NotFoundException>(() => state.UpdateProfile("A", null, T0));
        Assert.Throws<NotFoundException>(() => state.Follow(Bob, false, T0));
        Assert.Throws<NotFoundException>(() => state.ChangePassword(Hash, state.SecurityStamp, T0));
        Assert.Throws<NotFoundException>(() => state.Delete(state.SecurityStamp, T0).ToList());
    }

    [Fact]
    public void ReadNotifications_MovesTheMarkerForwardOnly()
    {
        var first = NotificationId.For(T0, Alice, "f:bob");
        var second = NotificationId.For(T0.AddSeconds(1), Alice, "f:carol");
        var state = Given(_aliceRegistered);

        var moved = state.ReadNotifications(second, T0.AddMinutes(1));
        Assert.Equal(new NotificationsRead(Alice, second, T0.AddMinutes(1)), moved);
        state.Apply(moved!);

        Assert.Null(state.ReadNotifications(first, T0.AddMinutes(2)));
        Assert.Null(state.ReadNotifications(second, T0.AddMinutes(2)));
        Assert.Equal(second, state.NotificationsReadUpTo);
    }

    [Fact]
    public void ReadNotifications_UnknownUser_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given().ReadNotifications(NotificationId.For(T0, Alice, "x"), T0));
    }

    [Fact]
    public void Block_AFollowedUser_EndsTheFollowFirst_AndBlockingAgainRaisesNothing()
    {
        var state = Given(_aliceRegistered, new UserFollowed(Alice, Bob, T0));

        var events = state.Block(Bob, T0.AddMinutes(1)).ToList();

        Assert.Equal([new UserUnfollowed(Alice, Bob, T0.AddMinutes(1)), new UserBlocked(Alice, Bob, T0.AddMinutes(1))], events);
        events.ForEach(state.Apply);
        Assert.Empty(state.Block(Bob, T0.AddMinutes(2)));
        Assert.DoesNotContain(Bob, state.Following);
    }

    [Fact]
    public void Follow_WhileBlockingOrBlocked_IsForbidden_AndAfterUnblockingAllowed()
    {
        var blocking = Given(_aliceRegistered, new UserBlocked(Alice, Bob, T0));

        Assert.Throws<ForbiddenException>(() => blocking.Follow(Bob, false, T0));
        Assert.Throws<ForbiddenException>(() => Given(_aliceRegistered).Follow(Bob, blockedByFollowee: true, T0));
        blocking.Apply(blocking.Unblock(Bob, T0.AddMinutes(1))!);
        Assert.Equal(new UserFollowed(Alice, Bob, T0.AddMinutes(2)), blocking.Follow(Bob, false, T0.AddMinutes(2)));
    }

    [Fact]
    public void BlockOrMute_Oneself_Is400()
    {
        Assert.Equal(["handle"], Assert.Throws<ValidationException>(() => Given(_aliceRegistered).Block(Alice, T0).ToList()).Errors.Keys);
        Assert.Equal(["handle"], Assert.Throws<ValidationException>(() => Given(_aliceRegistered).Mute(Alice, T0)).Errors.Keys);
    }

    [Fact]
    public void MuteAndUnmute_AreIdempotent()
    {
        var state = Given(_aliceRegistered);

        var muted = state.Mute(Bob, T0);
        Assert.Equal(new UserMuted(Alice, Bob, T0), muted);
        state.Apply(muted!);
        Assert.Null(state.Mute(Bob, T0));
        Assert.Equal(new UserUnmuted(Alice, Bob, T0), state.Unmute(Bob, T0));
        Assert.Null(Given(_aliceRegistered).Unmute(Bob, T0));
        Assert.Null(Given(_aliceRegistered).Unblock(Bob, T0));
    }

    [Fact]
    public void Delete_EndsBlocksAndMutesToo()
    {
        var state = Given(_aliceRegistered, new UserBlocked(Alice, Bob, T0), new UserMuted(Alice, Carol, T0));

        var events = state.Delete(state.SecurityStamp, T0.AddMinutes(1)).ToList();

        Assert.Equal([new UserUnblocked(Alice, Bob, T0.AddMinutes(1)), new UserUnmuted(Alice, Carol, T0.AddMinutes(1)), new AccountDeleted(Alice, T0.AddMinutes(1))], events);
    }
}
