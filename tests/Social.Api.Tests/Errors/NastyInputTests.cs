using System.Net;
using System.Text.Json;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Errors;

/// <summary>A host with one signed-in user for throwing bad input at every endpoint.</summary>
public sealed class NastyInputFixture(StoresFixture stores) : ApiFixture(stores)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (HttpClient Client, string Handle)? _user;
    private string? _target;

    /// <summary>The signed-in user that sends the requests.</summary>
    public async Task<(HttpClient Client, string Handle)> UserAsync()
    {
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _user ??= await SignUpAsync("nasty");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Another user, for the paths that name one.</summary>
    public async Task<string> TargetAsync()
    {
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _target ??= (await SignUpAsync("target")).Handle;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Whatever a client sends, the answer is never a 500, and every error is a problem with a detail.</summary>
public sealed class NastyInputTests(NastyInputFixture api) : IClassFixture<NastyInputFixture>
{
    private static readonly Dictionary<string, (string Method, string Path, bool SignedIn)> _endpoints = new()
    {
        ["register"] = ("POST", "/api/users", false),
        ["token"] = ("POST", "/api/auth/token", false),
        ["getUser"] = ("GET", "/api/users/{user}", false),
        ["updateProfile"] = ("PATCH", "/api/users/me", true),
        ["follow"] = ("PUT", "/api/users/me/following/{user}", true),
        ["unfollow"] = ("DELETE", "/api/users/me/following/{user}", true),
        ["createPost"] = ("POST", "/api/posts", true),
        ["getPost"] = ("GET", "/api/posts/{post}", false),
        ["deletePost"] = ("DELETE", "/api/posts/{post}", true),
        ["comment"] = ("POST", "/api/posts/{post}/comments", true),
        ["deleteComment"] = ("DELETE", "/api/posts/{post}/comments/{comment}", true),
        ["like"] = ("PUT", "/api/posts/{post}/like", true),
        ["unlike"] = ("DELETE", "/api/posts/{post}/like", true),
    };

    private static readonly string _allFields = """ "text":{0},"handle":{0},"displayName":{0},"password":{0},"bio":{0} """;

    private static readonly Dictionary<string, string?> _bodies = new()
    {
        ["none"] = null,
        ["empty"] = "",
        ["whitespace"] = "   \n\t ",
        ["null"] = "null",
        ["emptyObject"] = "{}",
        ["emptyArray"] = "[]",
        ["arrayOfObjects"] = """[{"text":"a","handle":"abc"}]""",
        ["string"] = "\"just a string\"",
        ["hugeInteger"] = new string('9', 5000),
        ["hugeExponent"] = "1e400",
        ["true"] = "true",
        ["nullFields"] = "{" + string.Format(null, _allFields, "null") + "}",
        ["hugeNumberFields"] = "{" + string.Format(null, _allFields, "1e400") + "}",
        ["negativeHugeFields"] = "{" + string.Format(null, _allFields, "-" + new string('9', 400)) + "}",
        ["integerFields"] = "{" + string.Format(null, _allFields, "12345678") + "}",
        ["booleanFields"] = "{" + string.Format(null, _allFields, "false") + "}",
        ["arrayFields"] = "{" + string.Format(null, _allFields, """["a","b"]""") + "}",
        ["objectFields"] = "{" + string.Format(null, _allFields, """{"nested":{"deeper":[1,{}]}}""") + "}",
        ["nulCharacters"] = "{" + string.Format(null, _allFields, "\"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\"") + "}",
        ["loneSurrogates"] = "{" + string.Format(null, _allFields, "\"\\ud800 lone \\udfff surrogates\"") + "}",
        ["controlCharacters"] = "{" + string.Format(null, _allFields, "\"\\u0001\\u001b[31m\\u007f\\u0085\\u2028\\u2029\"") + "}",
        ["unicode"] = "{" + string.Format(null, _allFields, JsonSerializer.Serialize("\u202Eǅ\uFEFFﷺ𒐫 Z̸̢̛̤͓a̵l̶g̷o\U0001F3F3\uFE0F\u200D\U0001F308 \U0010FFFF\uFFFE")) + "}",
        ["validLooking"] = """{"text":"fine","handle":"valid_handle_x","displayName":"Fine","password":"long enough password","bio":"ok"}""",
        ["longStrings"] = "{" + string.Format(null, _allFields, "\"" + new string('a', 10_000) + "\"") + "}",
        ["duplicateKeys"] = """{"text":"a","text":"b","handle":"abc","handle":"abd"}""",
        ["byteOrderMark"] = "\uFEFF{\"text\":\"a\"}",
        ["trailingGarbage"] = """{"text":"a"} {"text":"b"}""",
        ["jsonComments"] = """{/* comment */"text":"a"}""",
        ["singleQuotes"] = "{'text':'a'}",
        ["unquotedNames"] = "{text:\"a\"}",
        ["rawControlCharacter"] = "{\"text\":\"a\u0001b\"}",
        ["deepArray"] = new string('[', 5000) + new string(']', 5000),
        ["deepObject"] = string.Concat(Enumerable.Repeat("{\"text\":", 2000)) + "1" + new string('}', 2000),
        ["truncated"] = """{"text":"a""",
        ["nan"] = """{"text":NaN,"handle":Infinity}""",
    };

    private static readonly string[] _paths =
    [
        "/api/users/" + new string('a', 2000),
        "/api/users/%2F%2E%2E",
        "/api/users/..",
        "/api/users/%E2%80%AE",
        "/api/users/%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80",
        "/api/users/%C0%AF",
        "/api/users/%FF%FE",
        "/api/users/null",
        "/api/users/me",
        "/api/users/a%20b",
        "/api/users/ABC",
        "/api/posts/" + new string('0', 2000),
        "/api/posts/-1",
        "/api/posts/99999999999999999999999999999999999999",
        "/api/posts/00000000000000000000000000",
        "/api/posts/7ZZZZZZZZZZZZZZZZZZZZZZZZZ",
        "/api/posts/01J00000000000000000000000/comments/" + new string('Z', 2000),
        "/api/posts/01J00000000000000000000000/comments/00000000000000000000000000",
        "/api/posts/01J00000000000000000000000/like?limit=-1&cursor=%00",
        "/api/users/me/following/" + new string('a', 2000),
        "/api/users/me/following/%F0%9F%98%80",
        "/api/users/me/following/me",
    ];

    public static TheoryData<string, string> EndpointsAndBodies
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var endpoint in _endpoints.Keys)
            {
                foreach (var body in _bodies.Keys)
                {
                    data.Add(endpoint, body);
                }
            }

            return data;
        }
    }

    public static TheoryData<string, string> MethodsAndPaths
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var path in _paths)
            {
                foreach (var method in new[] { "GET", "POST", "PUT", "PATCH", "DELETE" })
                {
                    data.Add(method, path.Length > 120 ? path[..120] + $"...[{path.Length}]" : path);
                }
            }

            return data;
        }
    }

    // Kestrel itself refuses a NUL in the path, before any middleware runs, so these 400s come without a body; in a
    // deployment the load balancer refuses them first, with problem details (LoadBalancerTests).
    public static TheoryData<string> PathsWithEncodedNul => new()
    {
        "/api/users/%00",
        "/api/posts/%00%00%00%00%00%00%00%00%00%00%00%00%00",
        "/api/posts/01J00000000000000000000000/comments/%00",
        "/api/users/me/following/%00",
    };

    public static TheoryData<string> IdempotencyKeys => new()
    {
        " ",
        "\t",
        new string('k', 200),
        new string('k', 5000),
        "'; DROP TABLE events; --",
        "%00",
        "{\"json\":true}",
    };

    [Theory]
    [MemberData(nameof(EndpointsAndBodies))]
    public async Task Endpoint_NastyBody_NeverFailsWithServerError(string endpoint, string body)
    {
        var (method, template, signedIn) = _endpoints[endpoint];
        var path = await ResolveAsync(template);
        var client = signedIn ? (await api.UserAsync()).Client : api.CreateClient();

        var response = await client.SendRawAsync(new HttpMethod(method), path, _bodies[body]);

        await AssertHandledAsync(response);
    }

    [Theory]
    [MemberData(nameof(MethodsAndPaths))]
    public async Task Endpoint_NastyPath_NeverFailsWithServerError(string method, string shownPath)
    {
        var path = _paths.Single(p => p == shownPath || (shownPath.EndsWith($"...[{p.Length}]", StringComparison.Ordinal) && p.StartsWith(shownPath[..120], StringComparison.Ordinal)));
        var (client, _) = await api.UserAsync();
        var hasBody = method is "POST" or "PUT" or "PATCH";

        var response = await client.SendRawAsync(new HttpMethod(method), path, hasBody ? """{"text":"path test"}""" : null);

        await AssertHandledAsync(response);
    }

    [Theory]
    [MemberData(nameof(PathsWithEncodedNul))]
    public async Task Endpoint_EncodedNulInPath_Returns400(string path)
    {
        var (client, _) = await api.UserAsync();

        var response = await client.SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(IdempotencyKeys))]
    public async Task CreatePost_NastyIdempotencyKey_NeverFailsWithServerError(string key)
    {
        var (client, _) = await api.UserAsync();

        var first = await client.SendRawAsync(HttpMethod.Post, "/api/posts", """{"text":"keyed"}""", key);
        var second = await client.SendRawAsync(HttpMethod.Post, "/api/posts", """{"text":"keyed"}""", key);

        await AssertHandledAsync(first);
        await AssertHandledAsync(second);
    }

    [Fact]
    public async Task Endpoints_ManyBadRequestsAtOnce_NeverFailWithServerError()
    {
        var (client, _) = await api.UserAsync();
        var postId = await client.CreatePostIdAsync("target");

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 4) switch
        {
            0 => client.SendRawAsync(HttpMethod.Post, $"/api/posts/{postId}/comments", """{"text":5}"""),
            1 => client.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"),
            2 => client.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/like"),
            _ => client.SendRawAsync(HttpMethod.Post, $"/api/posts/{postId}/comments", """{"text":"parallel"}"""),
        }));

        foreach (var response in responses)
        {
            await AssertHandledAsync(response);
        }
    }

    private static async Task AssertHandledAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode < 500,
            $"{response.RequestMessage?.Method} {Shorten(response.RequestMessage?.RequestUri?.PathAndQuery)}: {(int)response.StatusCode} {body}");
        if ((int)response.StatusCode >= 400)
        {
            ApiAssert.ProblemBody(response, body);
        }
    }

    private static string? Shorten(string? text) => text is { Length: > 200 } ? text[..200] + "..." : text;

    // A fresh post and comment per case, so that a case that deletes them does not change what the next one meets.
    private async Task<string> ResolveAsync(string template)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }

        var (client, handle) = await api.UserAsync();
        var other = template.Contains("{user}", StringComparison.Ordinal) ? await api.TargetAsync() : "";
        var postId = template.Contains("{post}", StringComparison.Ordinal) ? await client.CreatePostIdAsync("target") : "";
        var commentId = template.Contains("{comment}", StringComparison.Ordinal) ? ApiAssert.String(await client.CommentAsync(postId), "id") : "";
        return template.Replace("{user}", other, StringComparison.Ordinal).Replace("{post}", postId, StringComparison.Ordinal)
            .Replace("{comment}", commentId, StringComparison.Ordinal).Replace("{me}", handle, StringComparison.Ordinal);
    }
}
