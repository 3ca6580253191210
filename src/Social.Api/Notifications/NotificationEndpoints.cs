using Microsoft.AspNetCore.Http.HttpResults;
using Social.Abstractions.Notifications;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Api.Auth;
using Social.Api.RateLimiting;
using Social.Api.Timelines;
using Social.Domain.Errors;
using Social.Domain.Ids;

namespace Social.Api.Notifications;

/// <summary>The caller's notifications (API.md, "Notifications"): <c>/api/notifications</c>.</summary>
internal static class NotificationEndpoints
{
    public static void MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization();
        notifications.MapGet("/", ListAsync).ProducesValidationProblem()
            .WithSummary("The caller's notifications, newest first; ?since= gives only newer ones (and any that arrived late).");
        notifications.MapGet("/unread", UnreadAsync).WithSummary("How many notifications are newer than the read marker.");
        notifications.MapPut("/marker", MoveMarkerAsync).RequireRateLimiting(WriteRateLimiting.WritesPolicy).ProducesValidationProblem()
            .WithSummary("Marks the notifications up to lastReadId as read; the marker never moves back.");
    }

    private static async Task<Ok<Page<NotificationView>>> ListAsync(
        HttpContext http, INotificationStore notifications, string? limit, string? cursor, string? since) =>
        TypedResults.Ok(await notifications.ReadAsync(http.User.UserId(), PageQuery.From(limit, cursor, NotificationCursor, since)));

    private static async Task<Ok<UnreadCount>> UnreadAsync(HttpContext http, INotificationStore notifications) =>
        TypedResults.Ok(new UnreadCount(await notifications.CountUnreadAsync(http.User.UserId())));

    // A notification's id carries the time of its action: one from the future names no notification, and a marker
    // moved there (it never moves back) would hide every notification until then.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private static async Task<NoContent> MoveMarkerAsync(MarkerRequest request, HttpContext http, IGrainFactory grains, TimeProvider clock)
    {
        if (!NotificationId.TryParse(request.LastReadId, out var lastRead) || lastRead.CreatedAt > clock.GetUtcNow() + ClockSkew)
        {
            throw new ValidationException("lastReadId", "lastReadId must be the id of a notification.");
        }

        await grains.GetGrain<IUserGrain>(http.User.UserId().Value).ReadNotificationsAsync(lastRead);
        return TypedResults.NoContent();
    }

    private static string? NotificationCursor(string value) => NotificationId.TryParse(value, out var id) ? id.Value : null;
}

/// <summary>The body of <c>PUT /api/notifications/marker</c>.</summary>
/// <param name="LastReadId">The newest notification the user has read.</param>
public sealed record MarkerRequest(string? LastReadId);

/// <summary>The answer of <c>GET /api/notifications/unread</c>.</summary>
/// <param name="Count">How many notifications are newer than the read marker.</param>
public sealed record UnreadCount(long Count);
