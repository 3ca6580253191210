using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Social.Benchmarks.Hosted;

/// <summary>
/// The HTTP API as the benchmark's users call it: sign-ups, tokens, follows, posts. All clients share one connection
/// pool of at most <paramref name="maxConnections"/> connections: an open-loop round needs it larger than the requests
/// it can have in flight, or the pool, not the server, would be what queues them.
/// </summary>
internal sealed class SocialHttp(Uri server, int maxConnections = 256) : IDisposable
{
    private const string Password = "benchmark password";
    private const int MaxAttempts = 30;
    private readonly SocketsHttpHandler _handler = new() { MaxConnectionsPerServer = maxConnections, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };

    public HttpClient Anonymous => field ??= new HttpClient(_handler, disposeHandler: false) { BaseAddress = server };

    /// <summary>Registers users <c>{prefix}_{i}</c> and returns their tokens, <paramref name="parallel"/> at a time.</summary>
    public async Task<string[]> RegisterAsync(string prefix, int count, int parallel, CancellationToken cancellationToken)
    {
        var tokens = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var handle = Handle(prefix, i);
                Ensure(await RetryAsync(() => Anonymous.PostAsJsonAsync("/api/users", new { handle, displayName = handle, password = Password }, ct), ct), "sign-up");
                var token = await Ensure(await RetryAsync(() => Anonymous.PostAsJsonAsync("/api/auth/token", new { handle, password = Password }, ct), ct), "token")
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
        Ensure(await RetryAsync(() => client.PutAsync($"/api/users/me/following/{handle}", null, cancellationToken), cancellationToken), "follow");
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

    /// <summary>
    /// Sends again after a 503 or 429, waiting as its Retry-After says (1 s without one), as an app would: setting up is
    /// not what a benchmark measures, and a host that sheds load refuses a request before it changes anything.
    /// </summary>
    private static async Task<HttpResponseMessage> RetryAsync(Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send();
            if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests) || attempt == MaxAttempts)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait, cancellationToken);
        }
    }

    private sealed record TokenBody(string AccessToken);

    private sealed record UserBody(long Followers);
}
