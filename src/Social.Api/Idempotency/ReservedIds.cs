using Social.Domain.Ids;

namespace Social.Api.Idempotency;

/// <summary>
/// The id a write creates (a post's or a comment's). Under an <c>Idempotency-Key</c> it is the id reserved with the
/// key, so a re-run of the same request creates the same thing; otherwise a new one.
/// </summary>
internal sealed record ReservedIds(string Id)
{
    public static string NewId() => PostId.New(DateTimeOffset.UtcNow).Value;

    public static PostId NewPostId(HttpContext http) => new(http.Features.Get<ReservedIds>()?.Id ?? NewId());

    public static CommentId NewCommentId(HttpContext http) => new(http.Features.Get<ReservedIds>()?.Id ?? CommentId.New(DateTimeOffset.UtcNow).Value);
}
