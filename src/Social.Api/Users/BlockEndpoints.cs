using Microsoft.AspNetCore.Http.HttpResults;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Api.Auth;
using Social.Api.RateLimiting;
using Social.Api.Timelines;
using Social.Domain.Ids;

namespace Social.Api.Users;

/// <summary>
/// The caller's blocks and mutes (API.md, "Blocks and mutes"): <c>/api/users/me/blocks</c> and <c>/api/users/me/mutes</c>.
/// The write model refuses what a block forbids; the read models hide what it hides.
/// </summary>
internal static class BlockEndpoints
{
    public static void MapBlockEndpoints(this RouteGroupBuilder users)
    {
        var me = users.MapGroup("/me").RequireAuthorization();
        var writes = me.MapGroup("/").RequireRateLimiting(WriteRateLimiting.WritesPolicy);
        writes.MapPut("/blocks/{handle}", (string handle, HttpContext http, IGrainFactory grains) => Me(http, grains, user => user.BlockAsync(Other(handle))))
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Blocks a user: the follows between you end, neither sees the other, and they cannot follow you or comment on or like your posts. Idempotent.");
        writes.MapDelete("/blocks/{handle}", (string handle, HttpContext http, IGrainFactory grains) => Me(http, grains, user => user.UnblockAsync(Other(handle))))
            .ProducesValidationProblem().WithSummary("Ends a block; idempotent.");
        writes.MapPut("/mutes/{handle}", (string handle, HttpContext http, IGrainFactory grains) => Me(http, grains, user => user.MuteAsync(Other(handle))))
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Mutes a user: their posts leave your home timeline and pushes, and they no longer notify you. Idempotent.");
        writes.MapDelete("/mutes/{handle}", (string handle, HttpContext http, IGrainFactory grains) => Me(http, grains, user => user.UnmuteAsync(Other(handle))))
            .ProducesValidationProblem().WithSummary("Ends a mute; idempotent.");
        me.MapGet("/blocks", (string? limit, string? cursor, HttpContext http, IReadModelQueries queries) => ListAsync(UserList.Blocks, limit, cursor, http, queries))
            .ProducesValidationProblem().WithSummary("The users you block, by handle.");
        me.MapGet("/mutes", (string? limit, string? cursor, HttpContext http, IReadModelQueries queries) => ListAsync(UserList.Mutes, limit, cursor, http, queries))
            .ProducesValidationProblem().WithSummary("The users you mute, by handle.");
    }

    private static async Task<NoContent> Me(HttpContext http, IGrainFactory grains, Func<IUserGrain, Task> command)
    {
        await command(grains.GetGrain<IUserGrain>(http.User.UserId().Value));
        return TypedResults.NoContent();
    }

    // A malformed handle is a 400 naming it, as for follows.
    private static UserId Other(string handle) => UserId.FromHandle(handle);

    private static async Task<Ok<Page<UserSummary>>> ListAsync(UserList list, string? limit, string? cursor, HttpContext http, IReadModelQueries queries) =>
        TypedResults.Ok(await queries.ReadUserListAsync(http.User.UserId(), list,
            PageQuery.From(limit, cursor, UserEndpoints.HandleCursor)));
}
