using System.Net;
using System.Text.Json;
using Social.Api.Tests.Support;

namespace Social.Api.Tests.Notifications;

/// <summary>The notifications API as a client uses it.</summary>
internal static class NotificationClient
{
    /// <summary>Every notification, newest first (newer than <paramref name="since"/>, if given).</summary>
    public static Task<List<JsonElement>> NotificationsAsync(this HttpClient client, string? since = null) =>
        client.AllPagesAsync(since is null ? "/api/notifications" : $"/api/notifications?since={since}");

    /// <summary>Reads until the notifications satisfy <paramref name="done"/>.</summary>
    public static Task<List<JsonElement>> NotificationsWhenAsync(this HttpClient client, Func<List<JsonElement>, bool> done, string what) =>
        Eventually.ReadAsync(() => client.NotificationsAsync(), done, what);

    public static async Task<long> UnreadAsync(this HttpClient client) =>
        ApiAssert.Count(await ApiAssert.JsonAsync(await client.GetPathAsync("/api/notifications/unread"), HttpStatusCode.OK), "count");

    public static Task<HttpResponseMessage> MoveMarkerAsync(this HttpClient client, string? lastReadId) =>
        client.SendJsonAsync(HttpMethod.Put, "/api/notifications/marker", new { lastReadId });

    public static string Type(this JsonElement notification) => ApiAssert.String(notification, "type");

    public static string Id(this JsonElement notification) => ApiAssert.String(notification, "id");

    public static string Actor(this JsonElement notification) => ApiAssert.String(ApiAssert.Property(notification, "actor"), "handle");

    public static string? PostId(this JsonElement notification) => ApiAssert.Property(notification, "postId").GetString();

    public static string? CommentId(this JsonElement notification) => ApiAssert.Property(notification, "commentId").GetString();
}
