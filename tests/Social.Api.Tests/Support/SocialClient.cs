using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Social.Api.Tests.Support;

/// <summary>Requests as a client sends them, and the common steps of a test (create a post, read it back).</summary>
public static class SocialClient
{
    public const string IdempotencyKey = "Idempotency-Key";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Sends <paramref name="body"/> serialized as JSON (camelCase, as the clients do).</summary>
    public static Task<HttpResponseMessage> SendJsonAsync(
        this HttpClient client, HttpMethod method, string path, object? body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        return SendAsync(client, request, idempotencyKey);
    }

    /// <summary>Sends <paramref name="json"/> verbatim (null: no body at all).</summary>
    public static Task<HttpResponseMessage> SendRawAsync(
        this HttpClient client, HttpMethod method, string path, string? json, string? idempotencyKey = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = json is null ? null : new StringContent(json, Encoding.UTF8, contentType),
        };
        return SendAsync(client, request, idempotencyKey);
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, string? idempotencyKey = null) =>
        SendAsync(client, new HttpRequestMessage(method, path), idempotencyKey);

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body, string? idempotencyKey = null) =>
        client.SendJsonAsync(HttpMethod.Post, path, body, idempotencyKey);

    public static Task<HttpResponseMessage> GetPathAsync(this HttpClient client, string path) =>
        client.SendAsync(HttpMethod.Get, path);

    public static async Task<JsonElement> CreatePostAsync(this HttpClient client, string text = "hello") =>
        await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/posts", new { text }), HttpStatusCode.Created);

    public static async Task<string> CreatePostIdAsync(this HttpClient client, string text = "hello") =>
        ApiAssert.String(await client.CreatePostAsync(text), "id");

    public static async Task<JsonElement> GetPostAsync(this HttpClient client, string id) =>
        await ApiAssert.JsonAsync(await client.GetPathAsync($"/api/posts/{id}"), HttpStatusCode.OK);

    public static async Task<JsonElement> CommentAsync(this HttpClient client, string postId, string text = "nice") =>
        await ApiAssert.JsonAsync(await client.PostJsonAsync($"/api/posts/{postId}/comments", new { text }), HttpStatusCode.Created);

    public static async Task<JsonElement> GetUserAsync(this HttpClient client, string handle) =>
        await ApiAssert.JsonAsync(await client.GetPathAsync($"/api/users/{handle}"), HttpStatusCode.OK);

    /// <summary>Every page of the home timeline (newer than <paramref name="since"/>, if given), walked with the cursors.</summary>
    public static Task<List<JsonElement>> HomeTimelineAsync(this HttpClient client, string? since = null) =>
        client.AllPagesAsync(since is null ? "/api/timelines/home" : $"/api/timelines/home?since={since}");

    /// <summary>The items of every page of a list, 100 a page, following <c>nextCursor</c> to the end.</summary>
    public static async Task<List<JsonElement>> AllPagesAsync(this HttpClient client, string path)
    {
        var items = new List<JsonElement>();
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        string? cursor = null;
        do
        {
            var page = await ApiAssert.JsonAsync(
                await client.GetPathAsync($"{path}{separator}limit=100{(cursor is null ? "" : $"&cursor={cursor}")}"), HttpStatusCode.OK);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return items;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, string? idempotencyKey)
    {
        if (idempotencyKey is not null)
        {
            request.Headers.Add(IdempotencyKey, idempotencyKey);
        }

        return client.SendAsync(request, Ct);
    }
}
