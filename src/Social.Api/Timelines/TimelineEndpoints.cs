using Microsoft.AspNetCore.Http.HttpResults;
using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Api.Auth;
using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Domain.Text;

namespace Social.Api.Timelines;

/// <summary><c>GET /api/timelines/home</c>, the caller's home timeline, and <c>GET /api/tags/{tag}/posts</c>, a tag's: newest first.</summary>
internal static class TimelineEndpoints
{
    public static void MapTimelineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/timelines/home", HomeAsync).RequireAuthorization().WithTags("Timelines")
            .ProducesValidationProblem()
            .WithSummary("The caller's posts and those of everyone they follow, newest first; ?since= gives only newer ones.");
        app.MapGet("/api/tags/{tag}/posts", TagAsync).WithTags("Timelines").ProducesValidationProblem()
            .WithSummary("The most recent posts with a tag (as many as a timeline keeps, 800 by default), newest first; the tag is case-insensitive.");
    }

    private static async Task<Ok<Page<PostView>>> TagAsync(string tag, HttpContext http, TimelineReader timelines, string? limit, string? cursor)
    {
        var errors = new ValidationErrors();
        var name = errors.Check(() => TextEntities.TryNormalizeTag(tag, out var normalized)
            ? normalized
            : throw new ValidationException("tag", $"A tag is 1 to {TextEntities.MaxTagLength} letters, digits or _, not only digits."));
        var page = errors.Check(() => PageQuery.From(limit, cursor, PostCursor));
        errors.ThrowIfAny();
        return TypedResults.Ok(await timelines.TagAsync(name!, page!, http.User.ReaderId()));
    }

    private static async Task<Ok<Page<PostView>>> HomeAsync(HttpContext http, TimelineReader timelines, string? limit, string? cursor, string? since) =>
        TypedResults.Ok(await timelines.HomeAsync(http.User.UserId(), PageQuery.From(limit, cursor, PostCursor, since)));

    public static string? PostCursor(string value) => PostId.TryParse(value, out var id) ? id.Value : null;
}
