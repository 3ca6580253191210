using System.Collections.Concurrent;

namespace Social.Benchmarks.Hosted;

/// <summary>
/// The host's output (stdout and stderr, line by line): echoed to this program's stderr up to
/// <paramref name="echoLimit"/> lines, so that an overloaded host logging an error per request does not bury the
/// results, and kept (up to a million lines) for <see cref="HostLogScan"/> at the end.
/// </summary>
internal sealed class HostOutput(long echoLimit)
{
    private const int MaxKept = 1_000_000;
    private readonly ConcurrentQueue<string> _lines = new();
    private long _total;

    /// <summary>Lines written so far, kept or not.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>The lines kept, in the order they arrived.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public void Add(string line)
    {
        var number = Interlocked.Increment(ref _total);
        if (number <= echoLimit)
        {
            Console.Error.WriteLine($"  [api] {line}");
        }
        else if (number == echoLimit + 1)
        {
            Console.Error.WriteLine($"  [api] … more output than {echoLimit:N0} lines: not echoed, scanned at the end");
        }

        if (number <= MaxKept)
        {
            _lines.Enqueue(line);
        }
    }
}
