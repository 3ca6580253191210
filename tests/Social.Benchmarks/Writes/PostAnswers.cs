using System.Diagnostics;
using Social.Benchmarks.Hosted;

namespace Social.Benchmarks.Writes;

/// <summary>How a POST ended: its status class, or no status at all.</summary>
internal enum PostOutcome
{
    Created,
    Unavailable,
    TooManyRequests,
    OtherStatus,
    Timeout,
    TransportError,
}

/// <summary>
/// How each POST of a round ended, recorded by index from the senders' threads (each index written by one sender only),
/// and summed up once all are done.
/// </summary>
internal sealed class PostAnswers(int count)
{
    /// <summary>An answer later than this is as bad as none for a user: the app shows a spinner, the user taps again.</summary>
    public static readonly TimeSpan Prompt = TimeSpan.FromSeconds(2);

    private readonly PostOutcome[] _outcomes = new PostOutcome[count];
    private readonly int[] _statuses = new int[count];
    private readonly bool[] _retryAfter = new bool[count];
    private int _inFlight;
    private int _peakInFlight;

    public int Count => count;

    /// <summary>When each POST was sent (a <see cref="Stopwatch"/> timestamp).</summary>
    public long[] Sent { get; } = new long[count];

    /// <summary>When its answer arrived, or when it timed out or failed.</summary>
    public long[] Ended { get; } = new long[count];

    /// <summary>The id of each created post; null for the rest.</summary>
    public string?[] Ids { get; } = new string?[count];

    /// <summary>The most POSTs sent and not yet ended at any one time.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    public void Sending(int i)
    {
        Sent[i] = Stopwatch.GetTimestamp();
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var peak = Volatile.Read(ref _peakInFlight); inFlight > peak; peak = Volatile.Read(ref _peakInFlight))
        {
            if (Interlocked.CompareExchange(ref _peakInFlight, inFlight, peak) == peak)
            {
                break;
            }
        }
    }

    public void Answered(int i, int status, bool retryAfter, string? id)
    {
        Ended[i] = Stopwatch.GetTimestamp();
        Interlocked.Decrement(ref _inFlight);
        _statuses[i] = status;
        _retryAfter[i] = retryAfter;
        Ids[i] = id;
        _outcomes[i] = status switch
        {
            201 => PostOutcome.Created,
            503 => PostOutcome.Unavailable,
            429 => PostOutcome.TooManyRequests,
            _ => PostOutcome.OtherStatus,
        };
    }

    public void Failed(int i, PostOutcome outcome)
    {
        Ended[i] = Stopwatch.GetTimestamp();
        Interlocked.Decrement(ref _inFlight);
        _outcomes[i] = outcome;
    }

    /// <param name="start">When the round's first POST was due.</param>
    /// <param name="seconds">The round's scheduled length.</param>
    public PostSummary Summarize(long start, int seconds)
    {
        var counts = Enum.GetValues<PostOutcome>().ToDictionary(o => o, _ => 0);
        var otherStatuses = new SortedDictionary<int, int>();
        var created = new Latencies();
        var refused = new Latencies();
        int withRetryAfter = 0, withoutRetryAfter = 0, late = 0;
        var lastCreated = start;
        for (var i = 0; i < count; i++)
        {
            var outcome = _outcomes[i];
            counts[outcome]++;
            var answeredInTime = outcome is not (PostOutcome.Timeout or PostOutcome.TransportError) && Stopwatch.GetElapsedTime(Sent[i], Ended[i]) <= Prompt;
            late += answeredInTime ? 0 : 1;
            switch (outcome)
            {
                case PostOutcome.Created:
                    created.Record(Sent[i], Ended[i]);
                    lastCreated = Math.Max(lastCreated, Ended[i]);
                    break;
                case PostOutcome.Unavailable or PostOutcome.TooManyRequests:
                    refused.Record(Sent[i], Ended[i]);
                    withRetryAfter += _retryAfter[i] ? 1 : 0;
                    withoutRetryAfter += _retryAfter[i] ? 0 : 1;
                    break;
                case PostOutcome.OtherStatus:
                    otherStatuses[_statuses[i]] = otherStatuses.GetValueOrDefault(_statuses[i]) + 1;
                    break;
            }
        }

        // Over the round, or until the last 201 if the server was still acknowledging after it: a queue drained late is
        // not throughput within the round.
        var window = Math.Max(seconds, Stopwatch.GetElapsedTime(start, lastCreated).TotalSeconds);
        return new PostSummary(count, counts, otherStatuses, withRetryAfter, withoutRetryAfter, created.Percentiles, refused.Percentiles,
            late, counts[PostOutcome.Created] / window, PeakInFlight);
    }
}

/// <summary>A round's POSTs summed up.</summary>
/// <param name="Offered">POSTs sent.</param>
/// <param name="Counts">POSTs per outcome.</param>
/// <param name="OtherStatuses">Count per status of the answers that were neither 201, 503 nor 429.</param>
/// <param name="RefusedWithRetryAfter">503s and 429s that said when to retry.</param>
/// <param name="RefusedWithoutRetryAfter">503s and 429s that did not.</param>
/// <param name="Acknowledged">POST sent → 201 received.</param>
/// <param name="Refused">POST sent → 503 or 429 received.</param>
/// <param name="NotAnsweredPromptly">POSTs without a status within <see cref="PostAnswers.Prompt"/>: answered later, timed out or failed.</param>
/// <param name="AcknowledgedPerSecond">201s per second of the round (or until the last 201, if later).</param>
/// <param name="PeakInFlight">The most POSTs outstanding at once.</param>
internal sealed record PostSummary(
    int Offered, IReadOnlyDictionary<PostOutcome, int> Counts, IReadOnlyDictionary<int, int> OtherStatuses,
    int RefusedWithRetryAfter, int RefusedWithoutRetryAfter, Percentiles Acknowledged, Percentiles Refused,
    int NotAnsweredPromptly, double AcknowledgedPerSecond, int PeakInFlight)
{
    public int Created => Counts[PostOutcome.Created];

    public int Refusals => Counts[PostOutcome.Unavailable] + Counts[PostOutcome.TooManyRequests];

    public double CreatedShare => Offered == 0 ? 0 : (double)Created / Offered;
}
