using Social.Domain.Ids;
using Social.Domain.Posts;
using Social.Domain.Users;
using Xunit;
using static Social.Domain.Tests.TestData;

namespace Social.Domain.Tests;

internal static class SampleEvents
{
    /// <summary>One instance of every event type, with text that exercises escaping.</summary>
    public static IReadOnlyList<object> All { get; } =
    [
        new UserRegistered(Alice, "alice", "Alice \"A\" " + Family, "pbkdf2$hash", T0),
        new ProfileUpdated(Alice, "Alice", "Line one\nline two \u00E9", T0.AddSeconds(1)),
        new UserFollowed(Alice, Bob, T0.AddSeconds(2)),
        new UserUnfollowed(Alice, Bob, T0.AddSeconds(3)),
        new AdministratorGranted(Alice, T0.AddSeconds(3)),
        new AdministratorRevoked(Alice, T0.AddSeconds(3)),
        new PasswordChanged(Alice, "pbkdf2$new-hash", T0.AddSeconds(3)),
        new AccountDeleted(Alice, T0.AddSeconds(9)),
        new UserBlocked(Alice, Bob, T0.AddSeconds(11)),
        new UserUnblocked(Alice, Bob, T0.AddSeconds(12)),
        new UserMuted(Alice, Carol, T0.AddSeconds(13)),
        new UserUnmuted(Alice, Carol, T0.AddSeconds(14)),
        new NotificationsRead(Alice, new NotificationId("01JPB7Z3QK8M4N5P6R7S8T9V0X"), T0.AddSeconds(10)),
        new PostCreated(Post1, Alice, "Hello <world> & " + ThumbsUpMediumSkin, T0.AddSeconds(4)),
        new PostDeleted(Post1, Alice, T0.AddSeconds(5)),
        new CommentAdded(Post1, Comment1, Bob, "Nice", T0.AddSeconds(6)),
        new CommentDeleted(Post1, Comment1, Alice, T0.AddSeconds(7)),
        new PostLiked(Post1, Carol, T0.AddSeconds(8)),
        new PostUnliked(Post1, Carol, new DateTimeOffset(2025, 3, 14, 11, 0, 0, TimeSpan.FromHours(2))),
    ];

    public static TheoryData<string> Names() => new(All.Select(e => e.GetType().Name));

    public static object ByTypeName(string typeName) => All.Single(e => e.GetType().Name == typeName);
}
