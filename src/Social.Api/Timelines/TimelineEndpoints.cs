using Microsoft.AspNetCore.Http.HttpResults;
using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Api.Auth;
using Social.Domain.Ids;

namespace Social.Api.Timelines;

/// <summary><c>GET /api/timelines/home</c>: the caller's home timeline, newest first.</summary>
internal static class TimelineEndpoints
{
    public static void MapTimelineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/timelines/home", HomeAsync).RequireAuthorization().WithTags("Timelines")
            .ProducesValidationProblem()
            .WithSummary("The caller's posts and those of everyone they follow, newest first; ?since= gives only newer ones.");
    }

    private static async Task<Ok<Page<PostView>>> HomeAsync(HttpContext http, TimelineReader timelines, string? limit, string? cursor, string? since) =>
        TypedResults.Ok(await timelines.HomeAsync(http.User.UserId(), PageQuery.From(limit, cursor, IsPostId, since)));

    public static bool IsPostId(string value) => PostId.TryParse(value, out _);
}
