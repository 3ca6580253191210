using Social.Domain.Ids;

namespace Social.Grains.Tests.TestHost;

/// <summary>Fresh ids for each test, so that tests sharing a database never touch each other's streams.</summary>
public static class Ids
{
    /// <summary>Any non-empty text: the grains store the hash they are given and never check it.</summary>
    public const string PasswordHash = "test-password-hash";

    public static UserId NewUser() => UserId.FromHandle("u" + Guid.NewGuid().ToString("N")[..20]);

    public static PostId NewPost() => PostId.New(DateTimeOffset.UtcNow);

    public static CommentId NewComment() => CommentId.New(DateTimeOffset.UtcNow);
}
