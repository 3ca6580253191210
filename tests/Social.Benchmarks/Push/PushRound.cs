using System.Diagnostics;
using System.Net.Http.Json;
using Social.Benchmarks.Hosted;
using Social.Testing;

namespace Social.Benchmarks.Push;

/// <summary>
/// One round: posts at a steady rate (open loop: each post is sent when due, whether or not earlier ones returned),
/// then waits for the pushes and measures, per delivery, post accepted (the 201 arrived) → postAdded received.
/// </summary>
internal sealed class PushRound(SocialHttp http, Audience audience, FeedConnections feeds, HostProcess api)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    public async Task<PushRoundResult> RunAsync(int rate, int seconds, CancellationToken cancellationToken)
    {
        feeds.ClearReceived();
        var authors = audience.AuthorTokens.Select(http.As).ToArray();
        var count = rate * seconds;
        var sent = new long[count];
        var accepted = new long[count];
        var ids = new string?[count];
        var failures = 0;
        var cpu = ProcessCpu.Start(api);
        var run = await OpenLoop.RunAsync(count, rate, async index =>
        {
            sent[index] = Stopwatch.GetTimestamp();
            try
            {
                var response = await authors[index % authors.Length].PostAsJsonAsync("/api/posts", new { text = $"push benchmark {index}" }, cancellationToken);
                accepted[index] = Stopwatch.GetTimestamp();
                ids[index] = response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<Created>(cancellationToken))!.Id : null;
            }
            catch (HttpRequestException)
            {
            }

            if (ids[index] is null)
            {
                Interlocked.Increment(ref failures);
            }
        }, cancellationToken);

        var expected = Enumerable.Range(0, count).Where(i => ids[i] is not null).Sum(i => (long)audience.FollowersOfAuthor[i % authors.Length]);
        await PushDeliveries.WaitAsync(feeds, ids, expected, Settle, cancellationToken);
        var (serverCores, clientCores) = cpu.Cores();
        return new PushRoundResult(count, count - failures, failures, run.DoneIn, PushDeliveries.Measure(feeds, ids, sent, accepted, expected),
            feeds.Connected, serverCores, clientCores);
    }

    private sealed record Created(string Id);
}

internal sealed record PushRoundResult(
    int Offered, long Accepted, int Failed, TimeSpan PostedIn, PushDeliveries Pushes, int Connected, double ServerCores, double ClientCores);
