using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Domain.Posts;
using Social.Domain.Users;
using Xunit;
using static Social.Domain.Tests.TestData;

namespace Social.Domain.Tests.Serialization;

public sealed class OrleansSerializationTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    private DeepCopier Copier => _services.GetRequiredService<DeepCopier>();

    public void Dispose() => _services.Dispose();

    private T RoundTrip<T>(T value)
    {
        var back = Serializer.Deserialize<T>(Serializer.SerializeToArray(value));
        Assert.NotNull(back);
        return back;
    }

    [Theory]
    [MemberData(nameof(SampleEvents.Names), MemberType = typeof(SampleEvents))]
    public void Serializer_EveryEvent_RoundTripsAsObject(string typeName)
    {
        var e = SampleEvents.ByTypeName(typeName);

        Assert.Equal(e, RoundTrip(e));
    }

    [Fact]
    public void Serializer_EventsTypedAsTheirBase_KeepTheirType()
    {
        UserEvent userEvent = new UserFollowed(Alice, Bob, T0);
        PostEvent postEvent = new CommentAdded(Post1, Comment1, Bob, "Nice", T0);

        Assert.Equal(userEvent, RoundTrip(userEvent));
        Assert.Equal(postEvent, RoundTrip(postEvent));
    }

    [Fact]
    public void Serializer_Ids_RoundTrip()
    {
        Assert.Equal(Alice, RoundTrip(Alice));
        Assert.Equal(Post1, RoundTrip(Post1));
        Assert.Equal(Comment1, RoundTrip(Comment1));
    }

    [Fact]
    public void Serializer_UserState_RoundTrips()
    {
        var state = NewUserState();

        var back = RoundTrip(state);

        Assert.NotSame(state, back);
        AssertSame(state, back);
    }

    [Fact]
    public void Serializer_PostState_RoundTrips()
    {
        var state = NewPostState();

        var back = RoundTrip(state);

        Assert.NotSame(state, back);
        AssertSame(state, back);
    }

    [Fact]
    public void DeepCopier_UserState_IsAnIndependentCopy()
    {
        var state = NewUserState();

        var copy = Copier.Copy(state);
        copy.Apply(new UserFollowed(Alice, new UserId("dave"), T0));

        Assert.NotSame(state.Following, copy.Following);
        Assert.Equal([Bob, Carol], state.Following.Order());
        Assert.Equal(3, copy.Following.Count);
    }

    [Fact]
    public void DeepCopier_PostState_IsAnIndependentCopy()
    {
        var state = NewPostState();

        var copy = Copier.Copy(state);
        copy.Apply(new CommentDeleted(Post1, Comment1, Alice, T0));
        copy.Apply(new PostUnliked(Post1, Bob, T0));

        AssertSame(NewPostState(), state);
        Assert.Equal((0, 1), (copy.CommentCount, copy.LikeCount));
    }

    [Fact]
    public void Serializer_ValidationException_KeepsTypeMessageAndErrors()
    {
        var e = new ValidationException(new Dictionary<string, string[]>
        {
            ["handle"] = ["Handle must be 3 to 30 characters of a-z, 0-9 and _."],
            ["displayName"] = ["Display name must not be empty.", "Second message."],
        });

        var back = Assert.IsType<ValidationException>(RoundTrip<object>(e));

        Assert.Equal(e.Message, back.Message);
        Assert.Equal(e.Errors.OrderBy(p => p.Key), back.Errors.OrderBy(p => p.Key));
    }

    [Fact]
    public void Serializer_ThrownNotFoundException_KeepsTypeAndMessage()
    {
        var e = Assert.Throws<NotFoundException>(() => new PostState().Delete(Alice, T0));

        var back = Assert.IsType<NotFoundException>(RoundTrip<Exception>(e));

        Assert.Equal("There is no such post.", back.Message);
    }

    [Fact]
    public void Serializer_ForbiddenAndConflict_KeepTypeAndMessage()
    {
        DomainException forbidden = new ForbiddenException("Only the author can delete a post.");
        DomainException conflict = new ConflictException("The handle 'alice' is taken.");

        Assert.Equal(forbidden.Message, Assert.IsType<ForbiddenException>(RoundTrip(forbidden)).Message);
        Assert.Equal(conflict.Message, Assert.IsType<ConflictException>(RoundTrip(conflict)).Message);
    }

    private static UserState NewUserState()
    {
        var state = new UserState();
        state.Apply(new UserRegistered(Alice, "alice", "Alice", "hash", T0));
        state.Apply(new ProfileUpdated(Alice, "Alice", "Bio " + Family, T0));
        state.Apply(new UserFollowed(Alice, Bob, T0));
        state.Apply(new UserFollowed(Alice, Carol, T0));
        return state;
    }

    private static PostState NewPostState()
    {
        var state = new PostState();
        state.Apply(new PostCreated(Post1, Alice, "Hello", T0));
        state.Apply(new CommentAdded(Post1, Comment1, Bob, "Nice", T0.AddMinutes(1)));
        state.Apply(new PostLiked(Post1, Bob, T0));
        state.Apply(new PostLiked(Post1, Carol, T0));
        return state;
    }

    private static void AssertSame(UserState expected, UserState actual)
    {
        Assert.Equal(
            (expected.Exists, expected.Id, expected.Handle, expected.DisplayName, expected.Bio, expected.PasswordHash, expected.CreatedAt),
            (actual.Exists, actual.Id, actual.Handle, actual.DisplayName, actual.Bio, actual.PasswordHash, actual.CreatedAt));
        Assert.Equal(expected.Following.Order(), actual.Following.Order());
    }

    private static void AssertSame(PostState expected, PostState actual)
    {
        Assert.Equal(
            (expected.Exists, expected.IsDeleted, expected.Id, expected.AuthorId, expected.Text, expected.CreatedAt),
            (actual.Exists, actual.IsDeleted, actual.Id, actual.AuthorId, actual.Text, actual.CreatedAt));
        Assert.Equal((expected.CommentCount, expected.LikeCount), (actual.CommentCount, actual.LikeCount));
    }
}
