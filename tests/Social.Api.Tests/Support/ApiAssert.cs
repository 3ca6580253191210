using System.Globalization;
using System.Net;
using System.Text.Json;
using Xunit;

namespace Social.Api.Tests.Support;

/// <summary>Assertions on what API.md promises about responses: problem details, body shapes, times.</summary>
public static class ApiAssert
{
    /// <summary>
    /// The response has <paramref name="status"/> and an <c>application/problem+json</c> body with a title, the status
    /// and a detail a person can act on; returns the body.
    /// </summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return ProblemBody(response, body);
    }

    /// <summary>Any error response: a problem body with title, status (the response's) and detail.</summary>
    public static JsonElement ProblemBody(HttpResponseMessage response, string body)
    {
        var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} -> {(int)response.StatusCode}";
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{what}: expected application/problem+json, got '{response.Content.Headers.ContentType}': {body}");
        var problem = Parse(body, what);
        Assert.True(problem.ValueKind == JsonValueKind.Object, $"{what}: the problem is not an object: {body}");
        Assert.True(problem.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String && title.GetString()!.Trim().Length > 0,
            $"{what}: no title: {body}");
        Assert.True(problem.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number && status.GetInt32() == (int)response.StatusCode,
            $"{what}: the problem's status is not the response's: {body}");
        Assert.True(problem.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String && detail.GetString()!.Trim().Length > 0,
            $"{what}: no detail: {body}");
        return problem;
    }

    // The framework's own wording for a request it cannot bind: .NET type names, "parameter \"Type name\"", a hint
    // about services. It tells a client about the server's insides and nothing it can act on.
    private static readonly string[] FrameworkWording = ["Nullable", "Int32", "System.", "Implicit body", "Service", "parameter \"", "Microsoft."];

    /// <summary>A problem (as <see cref="ProblemAsync"/>) whose title, detail and errors are in plain words.</summary>
    public static async Task<JsonElement> PlainProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var problem = await ProblemAsync(response, status);
        InPlainWords(problem);
        return problem;
    }

    /// <summary>None of the problem's text is the framework's own wording.</summary>
    public static void InPlainWords(JsonElement problem)
    {
        var texts = new List<string?> { problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString() };
        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            texts.AddRange(errors.EnumerateObject().Select(e => e.Name));
            texts.AddRange(errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray()).Select(m => m.ToString()));
        }

        foreach (var text in texts)
        {
            Assert.False(string.IsNullOrWhiteSpace(text), $"an empty text in {problem}");
            foreach (var word in FrameworkWording)
            {
                Assert.False(text!.Contains(word, StringComparison.Ordinal), $"'{word}' in \"{text}\": {problem}");
            }
        }
    }

    /// <summary>A 400 problem whose <c>errors</c> map has messages for each of <paramref name="fields"/> (camelCase).</summary>
    public static async Task<JsonElement> ValidationProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object,
            $"a validation problem needs an 'errors' map: {problem}");
        foreach (var field in fields)
        {
            Assert.True(errors.TryGetProperty(field, out var messages), $"'errors' has no '{field}': {errors}");
            Assert.Equal(JsonValueKind.Array, messages.ValueKind);
            Assert.NotEmpty(messages.EnumerateArray());
            Assert.All(messages.EnumerateArray(), m => Assert.False(string.IsNullOrWhiteSpace(m.GetString())));
        }

        return problem;
    }

    /// <summary>
    /// Either outcome is acceptable for an odd but harmless input: success with <paramref name="success"/>, or a 400 that
    /// names <paramref name="field"/>. A 500 is not.
    /// </summary>
    public static async Task SucceedsOrNamesFieldAsync(HttpResponseMessage response, HttpStatusCode success, string field)
    {
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            await ValidationProblemAsync(response, field);
        }
        else
        {
            await JsonAsync(response, success);
        }
    }

    /// <summary>The response has <paramref name="status"/> and a JSON body; returns the body.</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return Parse(body, what);
    }

    /// <summary>The response has <paramref name="status"/> (typically 204) and no body.</summary>
    public static async Task NoContentAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.NoContent)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("", body);
    }

    /// <summary>API.md's <c>User</c>: <c>{handle, displayName, bio, followers, following, posts, createdAt}</c>.</summary>
    public static void IsUser(JsonElement user, string handle)
    {
        Assert.Equal(handle, String(user, "handle"));
        Assert.NotNull(String(user, "displayName"));
        Assert.NotNull(String(user, "bio"));
        Assert.True(Count(user, "followers") >= 0);
        Assert.True(Count(user, "following") >= 0);
        Assert.True(Count(user, "posts") >= 0);
        IsRecentUtc(user, "createdAt");
    }

    /// <summary>API.md's <c>UserSummary</c>: <c>{handle, displayName}</c>.</summary>
    public static void IsUserSummary(JsonElement summary, string handle)
    {
        Assert.Equal(JsonValueKind.Object, summary.ValueKind);
        Assert.Equal(handle, String(summary, "handle"));
        Assert.False(string.IsNullOrEmpty(String(summary, "displayName")));
    }

    /// <summary>API.md's <c>Post</c>: <c>{id, author: UserSummary, text, createdAt, comments, likes}</c>.</summary>
    public static void IsPost(JsonElement post, string author, string text)
    {
        Assert.False(string.IsNullOrEmpty(String(post, "id")));
        IsUserSummary(Property(post, "author"), author);
        Assert.Equal(text, String(post, "text"));
        IsRecentUtc(post, "createdAt");
        Assert.True(Count(post, "comments") >= 0);
        Assert.True(Count(post, "likes") >= 0);
    }

    /// <summary>API.md's <c>Comment</c>: <c>{id, postId, author: UserSummary, text, createdAt}</c>.</summary>
    public static void IsComment(JsonElement comment, string postId, string author, string text)
    {
        Assert.False(string.IsNullOrEmpty(String(comment, "id")));
        Assert.Equal(postId, String(comment, "postId"));
        IsUserSummary(Property(comment, "author"), author);
        Assert.Equal(text, String(comment, "text"));
        IsRecentUtc(comment, "createdAt");
    }

    /// <summary>An ISO-8601 string in UTC, from the last few minutes.</summary>
    public static DateTimeOffset IsRecentUtc(JsonElement owner, string name)
    {
        var text = String(owner, name);
        Assert.True(text.EndsWith('Z') || text.EndsWith("+00:00", StringComparison.Ordinal), $"'{name}' is not a UTC time: {text}");
        var time = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Equal(TimeSpan.Zero, time.Offset);
        Assert.InRange(time, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        return time;
    }

    public static JsonElement Property(JsonElement owner, string name)
    {
        var value = default(JsonElement);
        Assert.True(owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out value), $"no '{name}' in {owner}");
        return value;
    }

    public static string String(JsonElement owner, string name)
    {
        var value = Property(owner, name);
        Assert.True(value.ValueKind == JsonValueKind.String, $"'{name}' is not a string in {owner}");
        return value.GetString()!;
    }

    public static long Count(JsonElement owner, string name)
    {
        var value = Property(owner, name);
        Assert.True(value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _), $"'{name}' is not an integer in {owner}");
        return value.GetInt64();
    }

    private static JsonElement Parse(string body, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            Assert.Fail($"{what}: the body is not JSON ({e.Message}): '{body}'");
            throw;
        }
    }
}
