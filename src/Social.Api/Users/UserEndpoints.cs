using Microsoft.AspNetCore.Http.HttpResults;
using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Api.Auth;
using Social.Api.RateLimiting;
using Social.Api.Timelines;
using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Domain.Text;

namespace Social.Api.Users;

/// <summary>Accounts and follows: <c>/api/users</c>.</summary>
internal static class UserEndpoints
{
    public static RouteGroupBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Users");
        users.MapPost("/", RegisterAsync).RequireRateLimiting(WriteRateLimiting.WritesPolicy)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Registers a user.");
        users.MapGet("/{handle}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A user's profile and counts.");
        users.MapGet("/{handle}/posts", PostsAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A user's posts, newest first.");
        users.MapGet("/{handle}/followers", (string handle, string? limit, string? cursor, HttpContext http, IGrainFactory grains, IStreamExistence streams, IReadModelQueries queries) =>
                FollowsAsync(handle, UserList.Followers, limit, cursor, http, grains, streams, queries))
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The users who follow a user, by handle.");
        users.MapGet("/{handle}/following", (string handle, string? limit, string? cursor, HttpContext http, IGrainFactory grains, IStreamExistence streams, IReadModelQueries queries) =>
                FollowsAsync(handle, UserList.Following, limit, cursor, http, grains, streams, queries))
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The users a user follows, by handle.");

        var me = users.MapGroup("/me").RequireAuthorization().RequireRateLimiting(WriteRateLimiting.WritesPolicy);
        me.MapPatch("/", UpdateProfileAsync).ProducesValidationProblem()
            .WithSummary("Changes the caller's display name and/or bio.");
        me.MapPut("/following/{handle}", FollowAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Follows a user; following twice is not an error.");
        me.MapDelete("/following/{handle}", UnfollowAsync).ProducesValidationProblem()
            .WithSummary("Stops following a user; likewise idempotent.");
        me.MapAccountEndpoints();
        users.MapBlockEndpoints();
        return users;
    }

    private static async Task<Created<UserView>> RegisterAsync(RegisterRequest request, IGrainFactory grains, PasswordHashing passwords)
    {
        // Every invalid field reported at once.
        var errors = new ValidationErrors();
        var user = errors.Check(() => UserId.FromHandle(request.Handle));
        var displayName = errors.Check(() => TextRules.DisplayName(request.DisplayName));
        errors.Check(() => PasswordRules.Validate(request.Password));
        errors.ThrowIfAny();
        var view = await grains.GetGrain<IUserGrain>(user.Value).RegisterAsync(displayName!, passwords.Hash(user, request.Password!));
        return TypedResults.Created($"/api/users/{view.Handle}", view);
    }

    private static async Task<Ok<UserView>> GetAsync(string handle, HttpContext http, IGrainFactory grains, IStreamExistence streams, IReadModelQueries queries)
    {
        var user = await RegisteredHandleAsync(streams, handle);
        await queries.EnsureNotBlockedByAsync(user, http, $"There is no user '{handle}'.");
        return TypedResults.Ok(await grains.GetGrain<IUserGrain>(user.Value).GetAsync());
    }

    private static async Task<Ok<Page<PostView>>> PostsAsync(
        string handle, string? limit, string? cursor, HttpContext http, IGrainFactory grains, IStreamExistence streams, IReadModelQueries queries,
        TimelineReader timelines)
    {
        var author = await VisibleUserAsync(handle, http, grains, streams, queries);
        return TypedResults.Ok(await timelines.UserAsync(author, PageQuery.From(limit, cursor, TimelineEndpoints.PostCursor)));
    }

    private static async Task<Ok<Page<UserSummary>>> FollowsAsync(
        string handle, UserList list, string? limit, string? cursor, HttpContext http, IGrainFactory grains, IStreamExistence streams,
        IReadModelQueries queries)
    {
        var user = await VisibleUserAsync(handle, http, grains, streams, queries);
        var page = PageQuery.From(limit, cursor, HandleCursor);
        return TypedResults.Ok(await queries.ReadUserListAsync(user, list, page, http.User.ReaderId()));
    }

    /// <summary>A user list's cursor is a handle, in its canonical (lower-case) form.</summary>
    public static string? HandleCursor(string value) => UserId.TryFromHandle(value, out var user) ? user.Value : null;

    // An existing user who does not block the caller.
    private static async Task<UserId> VisibleUserAsync(string handle, HttpContext http, IGrainFactory grains, IStreamExistence streams, IReadModelQueries queries)
    {
        var user = await ExistingUserAsync(grains, streams, handle);
        await queries.EnsureNotBlockedByAsync(user, http, $"There is no user '{handle}'.");
        return user;
    }

    private static async Task<Ok<UserView>> UpdateProfileAsync(UpdateProfileRequest request, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IUserGrain>(http.User.UserId().Value).UpdateProfileAsync(request.DisplayName, request.Bio));

    private static async Task<NoContent> FollowAsync(string handle, HttpContext http, IGrainFactory grains)
    {
        await grains.GetGrain<IUserGrain>(http.User.UserId().Value).FollowAsync(UserId.FromHandle(handle));
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> UnfollowAsync(string handle, HttpContext http, IGrainFactory grains)
    {
        await grains.GetGrain<IUserGrain>(http.User.UserId().Value).UnfollowAsync(UserId.FromHandle(handle));
        return TypedResults.NoContent();
    }

    // Registered and not deleted: only the user's grain knows the second.
    private static async Task<UserId> ExistingUserAsync(IGrainFactory grains, IStreamExistence streams, string handle)
    {
        var user = await RegisteredHandleAsync(streams, handle);
        return await grains.GetGrain<IUserGrain>(user.Value).ExistsAsync() ? user : throw new NotFoundException($"There is no user '{handle}'.");
    }

    // A handle no one registered is answered without activating a grain for it (a scan of handles leaves nothing behind).
    private static async Task<UserId> RegisteredHandleAsync(IStreamExistence streams, string handle)
    {
        var user = KnownHandle(handle);
        return await streams.ExistsAsync(user.StreamId) ? user : throw new NotFoundException($"There is no user '{handle}'.");
    }

    // In a path that names an existing user, a malformed handle is simply a user that does not exist.
    private static UserId KnownHandle(string handle)
    {
        try
        {
            return UserId.FromHandle(handle);
        }
        catch (ValidationException)
        {
            throw new NotFoundException($"There is no user '{handle}'.");
        }
    }
}

/// <summary>The body of <c>POST /api/users</c>.</summary>
public sealed record RegisterRequest(string? Handle, string? DisplayName, string? Password);

/// <summary>The body of <c>PATCH /api/users/me</c>; a missing field keeps its value.</summary>
public sealed record UpdateProfileRequest(string? DisplayName, string? Bio);
