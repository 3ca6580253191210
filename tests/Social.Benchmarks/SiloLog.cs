using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Social.Benchmarks;

/// <summary>
/// The silo's log, kept short: the first entry of each kind (category and event id) at the minimum level or above is
/// printed on one line, the repeats are only counted, and <see cref="Summary"/> lists the counts at the end.
/// </summary>
internal sealed class SiloLog(LogLevel minimum) : ILoggerProvider
{
    private const int MaxLine = 400;
    private readonly LogLevel _minimum = minimum;
    private readonly ConcurrentDictionary<(string Category, int EventId), Entry> _kinds = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public IReadOnlyList<string> Summary() =>
        [.. _kinds.OrderByDescending(k => k.Value.Count).Select(k => $"{k.Value.Count,7:N0} × {k.Value.Level} {k.Key.Category}[{k.Key.EventId}]: {k.Value.First}")];

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, EventId eventId, string message, Exception? exception)
    {
        var text = exception is null ? message : $"{message} {exception.GetType().Name}: {exception.Message} {FirstFrames(exception)}";
        text = text.ReplaceLineEndings(" ");
        if (text.Length > MaxLine)
        {
            text = text[..MaxLine] + "…";
        }

        var entry = _kinds.GetOrAdd((category, eventId.Id), _ => new Entry(level, text));
        if (Interlocked.Increment(ref entry.Count) == 1)
        {
            Console.WriteLine($"  silo {level}: {category}[{eventId.Id}] {text} (repeats are counted, see the end)");
        }
    }

    // Where it came from in the project's own code, which the first lines of the stack rarely are.
    private static string FirstFrames(Exception exception) =>
        string.Join(" ← ", (exception.StackTrace ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Contains("Social.", StringComparison.Ordinal)).Take(2));

    private sealed class Entry(LogLevel level, string first)
    {
        public int Count;

        public LogLevel Level { get; } = level;

        public string First { get; } = first;
    }

    private sealed class Logger(SiloLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(category, logLevel, eventId, formatter(state, exception), exception);
            }
        }
    }

}
