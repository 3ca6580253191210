using System.Net;
using System.Net.Http.Json;
using Social.Benchmarks.Hosted;
using Social.Testing;

namespace Social.Benchmarks.Writes;

/// <summary>
/// One round of the write path: the authors post in turn at a steady rate, open loop, each POST given up after a
/// timeout; every answer is classified (<see cref="PostAnswers"/>), and the pushes of the created posts to the
/// connected followers are awaited and timed from each post's 201.
/// </summary>
internal sealed class WriteRound(SocialHttp http, Audience audience, FeedConnections feeds, HostProcess api, TimeSpan timeout)
{
    /// <summary>Connections the posters may open: more than a round can have in flight, so that the server, not this pool, queues.</summary>
    public const int MaxConnections = 4096;

    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(15);
    private readonly HttpClient[] _authors = [.. audience.AuthorTokens.Select(http.As)];

    /// <summary>Posts at <paramref name="rate"/> for <paramref name="seconds"/>; post <c>i</c>'s text is <paramref name="text"/>(i), or a plain one.</summary>
    public async Task<WriteRoundResult> RunAsync(string name, double rate, int seconds, CancellationToken cancellationToken, Func<int, string>? text = null)
    {
        feeds.ClearReceived();
        var answers = new PostAnswers((int)Math.Round(rate * seconds));
        var cpu = ProcessCpu.Start(api);
        text ??= i => $"writes benchmark {i}";
        var run = await OpenLoop.RunAsync(answers.Count, rate, i => PostAsync(answers, i, text(i), cancellationToken), cancellationToken);

        var expected = Enumerable.Range(0, answers.Count).Where(i => answers.Ids[i] is not null)
            .Sum(i => (long)audience.FollowersOfAuthor[i % _authors.Length]);
        await PushDeliveries.WaitAsync(feeds, answers.Ids, expected, s_settle, cancellationToken);
        var (serverCores, clientCores) = cpu.Cores();
        var pushes = PushDeliveries.Measure(feeds, answers.Ids, answers.Sent, answers.Ended, expected);
        return new WriteRoundResult(name, rate, seconds, answers.Summarize(run.Start, seconds), pushes, run, feeds.Connected, serverCores, clientCores);
    }

    private async Task PostAsync(PostAnswers answers, int i, string text, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        answers.Sending(i);
        try
        {
            using var response = await _authors[i % _authors.Length].PostAsJsonAsync("/api/posts", new { text }, limit.Token);
            var id = response.StatusCode == HttpStatusCode.Created
                ? (await response.Content.ReadFromJsonAsync<Created>(limit.Token))?.Id
                : null;
            answers.Answered(i, (int)response.StatusCode, response.Headers.RetryAfter is not null, id);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            answers.Failed(i, PostOutcome.Timeout);
        }
        catch (HttpRequestException)
        {
            answers.Failed(i, PostOutcome.TransportError);
        }
    }

    private sealed record Created(string Id);
}

/// <summary>One round's outcome: its POSTs, the pushes of the created posts, the schedule kept, and CPU.</summary>
internal sealed record WriteRoundResult(
    string Name, double Rate, int Seconds, PostSummary Posts, PushDeliveries Pushes, OpenLoopRun Schedule, int Connected,
    double ServerCores, double ClientCores);
