using System.Diagnostics;
using HdrHistogram;

namespace Social.Benchmarks.Hosted;

/// <summary>
/// Durations between two moments on this process's <see cref="Stopwatch"/> clock, kept in microseconds (up to 10
/// minutes, 3 significant digits). A longer one is recorded as 10 minutes rather than lost.
/// </summary>
internal sealed class Latencies
{
    private static readonly long s_highest = (long)TimeSpan.FromMinutes(10).TotalMicroseconds;
    private readonly LongHistogram _microseconds = new(s_highest, 3);

    public long Count => _microseconds.TotalCount;

    public Percentiles Percentiles => Percentiles.Of(_microseconds);

    /// <summary>Records <paramref name="to"/> − <paramref name="from"/> (timestamps); a negative one as 0.</summary>
    public void Record(long from, long to) => _microseconds.RecordValue(Math.Clamp(Microseconds(to - from), 0, s_highest));

    /// <summary>Adds another's durations to these.</summary>
    public void Add(Latencies other) => _microseconds.Add(other._microseconds);

    public static long Microseconds(long stopwatchTicks) => stopwatchTicks * 1_000_000 / Stopwatch.Frequency;
}

/// <summary>Latency percentiles in milliseconds, of <see cref="Count"/> durations (all 0 when there were none).</summary>
internal sealed record Percentiles(double P50, double P95, double P99, double Max, long Count)
{
    public static Percentiles Of(LongHistogram microseconds) => microseconds.TotalCount == 0
        ? new Percentiles(0, 0, 0, 0, 0)
        : new Percentiles(Ms(microseconds.GetValueAtPercentile(50)), Ms(microseconds.GetValueAtPercentile(95)),
            Ms(microseconds.GetValueAtPercentile(99)), Ms(microseconds.GetMaxValue()), microseconds.TotalCount);

    public override string ToString() => Count == 0 ? "none" : $"p50 {P50:0.0} ms, p95 {P95:0.0} ms, p99 {P99:0.0} ms, max {Max:0.0} ms";

    /// <summary>One of these percentiles for a table: a dash when there was nothing to measure, rather than a 0 that looks fast.</summary>
    public string Cell(double milliseconds) => Count == 0 ? "–" : $"{milliseconds:N1} ms";

    private static double Ms(long microseconds) => microseconds / 1000.0;
}
