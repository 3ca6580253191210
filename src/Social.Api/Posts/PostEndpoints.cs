using Microsoft.AspNetCore.Http.HttpResults;
using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Api.Auth;
using Social.Api.RateLimiting;
using Social.Api.Idempotency;
using Social.Api.Timelines;
using Social.Api.Users;
using Social.Domain.Errors;
using Social.Domain.Ids;

namespace Social.Api.Posts;

/// <summary>Posts, comments and likes: <c>/api/posts</c>.</summary>
internal static class PostEndpoints
{
    public static RouteGroupBuilder MapPostEndpoints(this IEndpointRouteBuilder app)
    {
        var posts = app.MapGroup("/api/posts").WithTags("Posts");
        posts.MapGet("/{id}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A post.");
        posts.MapGet("/{id}/comments", CommentsAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A post's comments, oldest first.");

        var writes = posts.MapGroup("/").RequireAuthorization().RequireRateLimiting(WriteRateLimiting.WritesPolicy);
        writes.MapPost("/", CreateAsync).ProducesValidationProblem().WithSummary("Creates a post.");
        writes.MapDelete("/{id}", DeleteAsync).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Deletes a post; only its author may.");
        writes.MapPost("/{id}/comments", CommentAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Comments on a post.");
        writes.MapDelete("/{id}/comments/{commentId}", DeleteCommentAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Deletes a comment; its author or the post's author may.");
        writes.MapPut("/{id}/like", LikeAsync).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Likes a post; idempotent. 409 once the caller took their like of it back 5 times (a bound on its stream).");
        writes.MapDelete("/{id}/like", UnlikeAsync).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Takes a like back; idempotent.");
        return posts;
    }

    private static async Task<Created<PostView>> CreateAsync(TextRequest request, HttpContext http, IGrainFactory grains)
    {
        var id = ReservedEntityId.NewPostId(http);
        var post = await grains.GetGrain<IPostGrain>(id.Value).CreateAsync(http.User.UserId(), request.Text ?? "");
        return TypedResults.Created($"/api/posts/{post.Id}", post);
    }

    private static async Task<Ok<PostView>> GetAsync(string id, HttpContext http, IGrainFactory grains, IStreamExistence streams, IReadModelQueries queries) =>
        TypedResults.Ok(await VisiblePostAsync(id, http, grains, streams, queries));

    private static async Task<Ok<Page<CommentView>>> CommentsAsync(
        string id, string? limit, string? cursor, HttpContext http, IGrainFactory grains, IStreamExistence streams, IReadModelQueries queries)
    {
        var post = ParsePostId(id);
        await VisiblePostAsync(id, http, grains, streams, queries);
        var page = PageQuery.From(limit, cursor, value => CommentId.TryParse(value, out var comment) ? comment.Value : null);
        return TypedResults.Ok(await queries.ReadCommentsAsync(post, page, http.User.ReaderId()));
    }

    // A live post whose author does not block the caller.
    private static async Task<PostView> VisiblePostAsync(string id, HttpContext http, IGrainFactory grains, IStreamExistence streams, IReadModelQueries queries)
    {
        var view = await (await ExistingPostAsync(grains, streams, id)).GetAsync();
        await queries.EnsureNotBlockedByAsync(new UserId(view.Author.Handle), http, $"There is no post '{id}'.");
        return view;
    }

    private static async Task<NoContent> DeleteAsync(string id, HttpContext http, IGrainFactory grains)
    {
        await Post(grains, id).DeleteAsync(http.User.UserId());
        return TypedResults.NoContent();
    }

    private static async Task<Created<CommentView>> CommentAsync(string id, TextRequest request, HttpContext http, IGrainFactory grains)
    {
        var comment = await Post(grains, id).AddCommentAsync(ReservedEntityId.NewCommentId(http), http.User.UserId(), request.Text ?? "");
        return TypedResults.Created($"/api/posts/{comment.PostId}/comments/{comment.Id}", comment);
    }

    private static async Task<NoContent> DeleteCommentAsync(string id, string commentId, HttpContext http, IGrainFactory grains)
    {
        if (!CommentId.TryParse(commentId, out var comment))
        {
            throw new NotFoundException($"There is no comment '{commentId}'.");
        }

        await Post(grains, id).DeleteCommentAsync(comment, http.User.UserId());
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> LikeAsync(string id, HttpContext http, IGrainFactory grains)
    {
        await Post(grains, id).LikeAsync(http.User.UserId());
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> UnlikeAsync(string id, HttpContext http, IGrainFactory grains)
    {
        await Post(grains, id).UnlikeAsync(http.User.UserId());
        return TypedResults.NoContent();
    }

    private static IPostGrain Post(IGrainFactory grains, string id) => grains.GetGrain<IPostGrain>(ParsePostId(id).Value);

    // A read of an unknown post is answered without activating a grain for it (a scan of ids leaves nothing behind).
    private static async Task<IPostGrain> ExistingPostAsync(IGrainFactory grains, IStreamExistence streams, string id) =>
        await streams.ExistsAsync(ParsePostId(id).StreamId) ? Post(grains, id) : throw new NotFoundException($"There is no post '{id}'.");

    // An id that cannot be a post id names no post: 404 without activating a grain for it.
    private static PostId ParsePostId(string id) =>
        PostId.TryParse(id, out var post) ? post : throw new NotFoundException($"There is no post '{id}'.");
}

/// <summary>The body of a post or a comment.</summary>
public sealed record TextRequest(string? Text);
