using System.Diagnostics;

namespace Social.Benchmarks.Hosted;

/// <summary>When an open-loop run started, how long its sending and its answers took, and how far sending fell behind.</summary>
internal readonly record struct OpenLoopRun(long Start, TimeSpan SentIn, TimeSpan DoneIn, TimeSpan MaxLate);

/// <summary>
/// Open-loop load: request <c>i</c> is started at <c>start + i / rate</c> whether or not the earlier ones have been
/// answered, as independent users would. A closed loop (the next request after the last answer) would slow down with
/// the server and hide its queueing; here a slow server shows as latency and timeouts. How late the sends themselves
/// were is measured, so that a load generator short of CPU is seen rather than mistaken for the server.
/// </summary>
internal static class OpenLoop
{
    // Task.Delay's resolution is about a millisecond: shorter waits are skipped, and the sends due meanwhile go together.
    private static readonly TimeSpan s_shortest = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Sends <paramref name="count"/> requests at <paramref name="rate"/> per second; <paramref name="send"/> sends
    /// request <c>i</c> and must handle its own failures (a throw fails the run). Answers once all are done.
    /// </summary>
    public static async Task<OpenLoopRun> RunAsync(int count, double rate, Func<int, Task> send, CancellationToken cancellationToken)
    {
        var interval = Stopwatch.Frequency / rate;
        var tasks = new Task[count];
        var maxLate = 0L;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i * interval);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > s_shortest)
            {
                await Task.Delay(wait, cancellationToken);
            }

            maxLate = Math.Max(maxLate, Stopwatch.GetTimestamp() - due);
            var index = i;
            tasks[i] = Task.Run(() => send(index), cancellationToken);
        }

        var sentIn = Stopwatch.GetElapsedTime(start);
        await Task.WhenAll(tasks);
        return new OpenLoopRun(start, sentIn, Stopwatch.GetElapsedTime(start), TimeSpan.FromTicks(maxLate * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
    }
}
