using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Social.Benchmarks.Push;

/// <summary>The HTTP API as the benchmark's users call it: sign-ups, tokens, follows, posts.</summary>
internal sealed class SocialHttp(Uri server) : IDisposable
{
    private const string Password = "benchmark password";
    private readonly SocketsHttpHandler _handler = new() { MaxConnectionsPerServer = 256, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };

    public HttpClient Anonymous => field ??= new HttpClient(_handler, disposeHandler: false) { BaseAddress = server };

    /// <summary>Registers users <c>{prefix}_{i}</c> and returns their tokens, <paramref name="parallel"/> at a time.</summary>
    public async Task<string[]> RegisterAsync(string prefix, int count, int parallel, CancellationToken cancellationToken)
    {
        var tokens = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var handle = Handle(prefix, i);
                Ensure(await Anonymous.PostAsJsonAsync("/api/users", new { handle, displayName = handle, password = Password }, ct), "sign-up");
                var token = await Ensure(await Anonymous.PostAsJsonAsync("/api/auth/token", new { handle, password = Password }, ct), "token")
                    .Content.ReadFromJsonAsync<TokenBody>(ct);
                tokens[i] = token!.AccessToken;
            });
        return tokens;
    }

    public static string Handle(string prefix, int i) => $"{prefix}_{i}";

    /// <summary>A client that sends <paramref name="token"/>, sharing this one's connection pool.</summary>
    public HttpClient As(string token)
    {
        var client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = server };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task FollowAsync(string token, string handle, CancellationToken cancellationToken)
    {
        using var client = As(token);
        Ensure(await client.PutAsync($"/api/users/me/following/{handle}", null, cancellationToken), "follow");
    }

    public async Task<long> FollowersAsync(string handle, CancellationToken cancellationToken) =>
        (await Anonymous.GetFromJsonAsync<UserBody>($"/api/users/{handle}", cancellationToken))!.Followers;

    public static HttpResponseMessage Ensure(HttpResponseMessage response, string what) => response.IsSuccessStatusCode
        ? response
        : throw new InvalidOperationException($"{what}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");

    public void Dispose()
    {
        Anonymous.Dispose();
        _handler.Dispose();
    }

    private sealed record TokenBody(string AccessToken);

    private sealed record UserBody(long Followers);
}
