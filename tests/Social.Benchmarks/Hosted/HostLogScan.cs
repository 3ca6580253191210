using System.Text.RegularExpressions;

namespace Social.Benchmarks.Hosted;

/// <summary>How many of the host's output lines show one kind of trouble, with the first few distinct ones.</summary>
internal sealed record LogFinding(string What, int Lines, IReadOnlyList<string> Examples);

/// <summary>
/// Looks through the host's output for the signs of a write path past its limits: PostgreSQL refusing connections,
/// the connection pool running dry, exceptions, and entries logged at error level or above.
/// </summary>
internal static partial class HostLogScan
{
    private const int ExampleLength = 300;

    private static readonly (string What, Func<string, bool> Matches)[] s_kinds =
    [
        ("too many clients", line => line.Contains("too many clients", StringComparison.OrdinalIgnoreCase)),
        ("connection pool has been exhausted", line => line.Contains("connection pool has been exhausted", StringComparison.OrdinalIgnoreCase)),
        ("Exception", line => line.Contains("Exception", StringComparison.Ordinal)),
        ("error level (fail/crit/error entries)", line => ErrorLevel().IsMatch(line)),
    ];

    public static IReadOnlyList<LogFinding> Scan(IReadOnlyList<string> lines, int examples = 3)
    {
        var findings = new List<LogFinding>();
        foreach (var (what, matches) in s_kinds)
        {
            var count = 0;
            var shown = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < lines.Count; i++)
            {
                if (!matches(lines[i]))
                {
                    continue;
                }

                count++;
                var example = Example(lines, i);
                // Ids, counts and times differ between otherwise equal lines: compare without digits.
                if (shown.Count < examples && seen.Add(Digits().Replace(example, "#")))
                {
                    shown.Add(example);
                }
            }

            findings.Add(new LogFinding(what, count, shown));
        }

        return findings;
    }

    // The console logger writes "fail: Category[id]" and the message on the next, indented line: show both.
    private static string Example(IReadOnlyList<string> lines, int i)
    {
        var text = lines[i].Trim();
        if (LevelHeader().IsMatch(lines[i]) && i + 1 < lines.Count && lines[i + 1].Length > 0 && char.IsWhiteSpace(lines[i + 1][0]))
        {
            text += " ⏎ " + lines[i + 1].Trim();
        }

        return text.Length > ExampleLength ? text[..ExampleLength] + "…" : text;
    }

    // "fail:"/"crit:" (the console logger), "[Error]"/"[Critical]", " error:" (other formats).
    [GeneratedRegex(@"(?:^|[\s\[])(?:fail|crit|error|critical)(?::|\])", RegexOptions.IgnoreCase)]
    private static partial Regex ErrorLevel();

    [GeneratedRegex(@"^(?:trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex LevelHeader();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
