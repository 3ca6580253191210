using System.Diagnostics;

namespace Social.Benchmarks.Hosted;

/// <summary>
/// Authors and readers signed up over HTTP (<c>author_{i}</c>, <c>reader_{r}</c>), each reader following the authors a
/// plan gives it, and waited on until every follow is projected: a round must not start while the follower sets are
/// still filling, or its pushes would be too few for a reason that has nothing to do with the round.
/// </summary>
internal sealed record Audience(string[] AuthorTokens, string[] ReaderTokens, int[] FollowersOfAuthor)
{
    public const string AuthorPrefix = "author";
    public const string ReaderPrefix = "reader";
    private static readonly TimeSpan s_projectionTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Signs up <paramref name="authors"/> authors and <paramref name="readers"/> readers; reader <c>r</c> follows <paramref name="follows"/>(r).</summary>
    public static async Task<Audience> SetUpAsync(
        SocialHttp http, int authors, int readers, Func<int, IEnumerable<int>> follows, CancellationToken cancellationToken)
    {
        var authorTokens = await http.RegisterAsync(AuthorPrefix, authors, 8, cancellationToken);
        var readerTokens = await http.RegisterAsync(ReaderPrefix, readers, 8, cancellationToken);
        var followers = new int[authors];
        foreach (var author in Enumerable.Range(0, readers).SelectMany(follows))
        {
            followers[author]++;
        }

        // One reader's follows one after another: they are commands on the same user.
        await Parallel.ForEachAsync(Enumerable.Range(0, readers), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (r, ct) =>
            {
                foreach (var author in follows(r))
                {
                    await http.FollowAsync(readerTokens[r], SocialHttp.Handle(AuthorPrefix, author), ct);
                }
            });
        await WaitForFollowersAsync(http, followers, cancellationToken);
        return new Audience(authorTokens, readerTokens, followers);
    }

    private static async Task WaitForFollowersAsync(SocialHttp http, int[] expected, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        for (var a = 0; a < expected.Length; a++)
        {
            while (await http.FollowersAsync(SocialHttp.Handle(AuthorPrefix, a), cancellationToken) < expected[a])
            {
                if (watch.Elapsed > s_projectionTimeout)
                {
                    throw new TimeoutException($"The follows were not projected within {s_projectionTimeout.TotalMinutes:0} minutes.");
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }
}
