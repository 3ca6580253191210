using System.Text.Json;
using Social.Domain.Events;
using Social.Domain.Posts;
using Social.Domain.Users;
using Xunit;

namespace Social.Domain.Tests.Events;

public sealed class EventTypesTests
{
    private static readonly Type[] _allEventTypes = typeof(UserEvent).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && (t.IsSubclassOf(typeof(UserEvent)) || t.IsSubclassOf(typeof(PostEvent))))
        .ToArray();

    [Fact]
    public void Names_EveryEventType_HasExactlyOneStableName()
    {
        Assert.Equal(19, _allEventTypes.Length);
        Assert.All(_allEventTypes, t => Assert.Equal(t, EventTypes.TypeOf(EventTypes.NameOf(t))));
        Assert.Equal(_allEventTypes.Length, EventTypes.Names.Count);
    }

    [Theory]
    [InlineData("V1.UserRegistered", typeof(UserRegistered))]
    [InlineData("V1.ProfileUpdated", typeof(ProfileUpdated))]
    [InlineData("V1.UserFollowed", typeof(UserFollowed))]
    [InlineData("V1.UserUnfollowed", typeof(UserUnfollowed))]
    [InlineData("V1.AdministratorGranted", typeof(AdministratorGranted))]
    [InlineData("V1.AdministratorRevoked", typeof(AdministratorRevoked))]
    [InlineData("V1.PasswordChanged", typeof(PasswordChanged))]
    [InlineData("V1.AccountDeleted", typeof(AccountDeleted))]
    [InlineData("V1.NotificationsRead", typeof(NotificationsRead))]
    [InlineData("V1.UserBlocked", typeof(UserBlocked))]
    [InlineData("V1.UserUnblocked", typeof(UserUnblocked))]
    [InlineData("V1.UserMuted", typeof(UserMuted))]
    [InlineData("V1.UserUnmuted", typeof(UserUnmuted))]
    [InlineData("V1.PostCreated", typeof(PostCreated))]
    [InlineData("V1.PostDeleted", typeof(PostDeleted))]
    [InlineData("V1.CommentAdded", typeof(CommentAdded))]
    [InlineData("V1.CommentDeleted", typeof(CommentDeleted))]
    [InlineData("V1.PostLiked", typeof(PostLiked))]
    [InlineData("V1.PostUnliked", typeof(PostUnliked))]
    public void TypeOf_StoredName_IsTheLiteralName(string name, Type type)
    {
        Assert.Equal(type, EventTypes.TypeOf(name));
        Assert.Equal(name, EventTypes.NameOf(type));
    }

    [Theory]
    [MemberData(nameof(SampleEvents.Names), MemberType = typeof(SampleEvents))]
    public void SerializeDeserialize_EveryEvent_RoundTrips(string typeName)
    {
        var e = SampleEvents.ByTypeName(typeName);

        var back = EventTypes.Deserialize(EventTypes.NameOf(e), EventTypes.Serialize(e));

        Assert.Equal(e, back);
    }

    [Fact]
    public void Serialize_PostCreated_IsCamelCaseWithIdsAsPlainStrings()
    {
        var json = EventTypes.Serialize(new PostCreated(TestData.Post1, TestData.Alice, "Hi @bob #hi", TestData.T0, ["bob"], ["hi"]));

        Assert.Equal(
            """{"postId":"01JPB7Z3QK8M4N5P6R7S8T9V0W","authorId":"alice","text":"Hi @bob #hi","at":"2025-03-14T09:26:53+00:00","mentions":["bob"],"tags":["hi"]}""",
            json);
    }

    [Fact]
    public void Deserialize_PostCreatedStoredBeforeMentionsAndTags_HasNone()
    {
        var e = (PostCreated)EventTypes.Deserialize("V1.PostCreated",
            """{"postId":"01JPB7Z3QK8M4N5P6R7S8T9V0W","authorId":"alice","text":"Hi @bob #hi","at":"2025-03-14T09:26:53+00:00"}""");

        Assert.Null(e.Mentions);
        Assert.Null(e.Tags);
    }

    [Fact]
    public void SerializeDeserialize_MentionsAndTags_RoundTrip()
    {
        var e = new CommentAdded(TestData.Post1, TestData.Comment1, TestData.Bob, "@alice", TestData.T0, ["alice"]);

        Assert.Equivalent(e, EventTypes.Deserialize("V1.CommentAdded", EventTypes.Serialize(e)), strict: true);
    }

    [Fact]
    public void Serialize_CommentDeleted_WritesEveryIdAsAString()
    {
        var json = EventTypes.Serialize(new CommentDeleted(TestData.Post1, TestData.Comment1, TestData.Bob, TestData.T0));

        using var doc = JsonDocument.Parse(json);
        Assert.Equal(TestData.Comment1.Value, doc.RootElement.GetProperty("commentId").GetString());
        Assert.Equal("bob", doc.RootElement.GetProperty("deletedBy").GetString());
    }

    [Fact]
    public void TypeOf_UnknownName_Throws()
    {
        Assert.Throws<ArgumentException>(() => EventTypes.TypeOf("V1.Unknown"));
        Assert.Throws<ArgumentException>(() => EventTypes.TypeOf("PostCreated"));
        Assert.False(EventTypes.TryGetType("V9.PostCreated", out _));
    }

    [Fact]
    public void NameOf_UnregisteredType_Throws()
    {
        Assert.Throws<ArgumentException>(() => EventTypes.NameOf(typeof(string)));
        Assert.Throws<ArgumentException>(() => EventTypes.Serialize(new { Text = "not an event" }));
    }

    [Fact]
    public void Deserialize_MissingField_Throws()
    {
        Assert.Throws<JsonException>(() => EventTypes.Deserialize("V1.PostLiked", """{"postId":"01JPB7Z3QK8M4N5P6R7S8T9V0W","at":"2025-03-14T09:26:53+00:00"}"""));
    }

    [Fact]
    public void Deserialize_NullText_Throws()
    {
        Assert.Throws<JsonException>(() => EventTypes.Deserialize(
            "V1.PostCreated",
            """{"postId":"01JPB7Z3QK8M4N5P6R7S8T9V0W","authorId":"alice","text":null,"at":"2025-03-14T09:26:53+00:00"}"""));
    }

    [Fact]
    public void Deserialize_MalformedPostId_Throws()
    {
        Assert.Throws<JsonException>(() => EventTypes.Deserialize(
            "V1.PostDeleted",
            """{"postId":"not-an-id","authorId":"alice","at":"2025-03-14T09:26:53+00:00"}"""));
    }

    [Fact]
    public void Deserialize_UnknownExtraField_IsIgnoredForForwardCompatibility()
    {
        var e = EventTypes.Deserialize(
            "V1.UserFollowed",
            """{"follower":"alice","followee":"bob","at":"2025-03-14T09:26:53+00:00","via":"suggestions"}""");

        Assert.Equal(new UserFollowed(TestData.Alice, TestData.Bob, TestData.T0), e);
    }
}
