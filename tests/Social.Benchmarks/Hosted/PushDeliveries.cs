using System.Diagnostics;

namespace Social.Benchmarks.Hosted;

/// <summary>
/// What the connected clients received of one round's posts: deliveries (a post on a connection, counted once however
/// often it came), repeats, and per delivery the time from the post's 201 and from its sending to the first receipt.
/// </summary>
internal sealed record PushDeliveries(
    long Expected, long Received, long Repeated, long BeforeAccepted, double PerSecond, Percentiles FromAccepted, Percentiles FromSent)
{
    public long Missing => Math.Max(0, Expected - Received);

    /// <summary>
    /// Waits until <paramref name="expected"/> deliveries of the posts in <paramref name="ids"/> arrived, or
    /// <paramref name="settle"/> passed: pushes trail the 201s by the projection's queue.
    /// </summary>
    public static async Task WaitAsync(FeedConnections feeds, IReadOnlyList<string?> ids, long expected, TimeSpan settle, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        Dictionary<string, int>? index = null;
        while (watch.Elapsed < settle)
        {
            // The raw count is cheap but includes repeats and late pushes of an earlier round: exact only once it is enough.
            if (feeds.Received.Count >= expected && Count(feeds, index ??= Index(ids)) >= expected)
            {
                return;
            }

            await Task.Delay(feeds.Received.Count >= expected ? 500 : 50, cancellationToken);
        }
    }

    /// <param name="feeds">The connections whose receipts count.</param>
    /// <param name="ids">The id of post <c>i</c>, null where it was not accepted.</param>
    /// <param name="sent">When post <c>i</c> was sent (a <see cref="Stopwatch"/> timestamp).</param>
    /// <param name="accepted">When its 201 arrived.</param>
    /// <param name="expected">Deliveries due: the accepted posts' authors' connected followers.</param>
    public static PushDeliveries Measure(FeedConnections feeds, IReadOnlyList<string?> ids, long[] sent, long[] accepted, long expected)
    {
        var index = Index(ids);
        var seen = new HashSet<(int Post, int Connection)>();
        var fromAccepted = new Latencies();
        var fromSent = new Latencies();
        long repeated = 0, beforeAccepted = 0, first = long.MaxValue, last = 0;
        foreach (var (id, connection, at) in feeds.Received)
        {
            if (!index.TryGetValue(id, out var i))
            {
                continue;
            }

            if (!seen.Add((i, connection)))
            {
                repeated++;
                continue;
            }

            first = Math.Min(first, at);
            last = Math.Max(last, at);
            beforeAccepted += at < accepted[i] ? 1 : 0;
            fromAccepted.Record(accepted[i], at);
            fromSent.Record(sent[i], at);
        }

        var span = seen.Count == 0 ? 0 : Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        return new PushDeliveries(expected, seen.Count, repeated, beforeAccepted, seen.Count / Math.Max(0.001, span),
            fromAccepted.Percentiles, fromSent.Percentiles);
    }

    private static Dictionary<string, int> Index(IReadOnlyList<string?> ids)
    {
        var index = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] is { } id)
            {
                index[id] = i;
            }
        }

        return index;
    }

    private static long Count(FeedConnections feeds, Dictionary<string, int> index) =>
        feeds.Received.Where(r => index.ContainsKey(r.Id)).Select(r => (r.Id, r.Connection)).Distinct().LongCount();
}
