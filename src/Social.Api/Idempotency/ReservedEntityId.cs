using Social.Abstractions.Commands;
using Social.Domain.Ids;

namespace Social.Api.Idempotency;

/// <summary>
/// The id a write creates (a post's or a comment's). Under an <c>Idempotency-Key</c> it is the id reserved with the
/// key, so a re-run of the same request creates the same thing; otherwise a new one.
/// </summary>
/// <param name="Id">The reserved id.</param>
/// <param name="IsFresh">Minted for this request (its key's first claim), so nothing can exist under it yet.</param>
internal sealed record ReservedEntityId(string Id, bool IsFresh)
{
    public static string NewId() => PostId.New(DateTimeOffset.UtcNow).Value;

    /// <summary>
    /// The new post's id. When it was minted for this request, its grain is told that its stream is new, so that it
    /// does not read the (empty) stream before appending: the append at version 0 checks it anyway.
    /// </summary>
    public static PostId NewPostId(HttpContext http)
    {
        var reserved = http.Features.Get<ReservedEntityId>();
        var id = new PostId(reserved?.Id ?? NewId());
        if (reserved is null or { IsFresh: true })
        {
            CommandContext.MarkNewStream(id.StreamId);
        }

        return id;
    }

    public static CommentId NewCommentId(HttpContext http) => new(http.Features.Get<ReservedEntityId>()?.Id ?? CommentId.New(DateTimeOffset.UtcNow).Value);
}
