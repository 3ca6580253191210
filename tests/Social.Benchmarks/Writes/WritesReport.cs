using Social.Benchmarks.Hosted;

namespace Social.Benchmarks.Writes;

/// <summary>What the writes scenario prints: each measurement as it ends, and the tables at the end.</summary>
internal static class WritesReport
{
    public static void Line(string text = "") => Console.WriteLine(text);

    public static void Limit(InsertLimit limit) => Line(
        $"  {limit.Pattern}: {limit.RowsPerSecond:N0} rows/s, {limit.TransactionsPerSecond:N0} transactions/s ({limit.Rows:N0} rows in {limit.Elapsed.TotalSeconds:0.0} s); commit {limit.Commit}");

    public static void Round(WriteRoundResult r)
    {
        var p = r.Posts;
        var c = p.Counts;
        Line($"round {r.Name}: {r.Rate:N0} posts/s for {r.Seconds} s: {p.Offered:N0} offered, {p.Created:N0} acknowledged ({p.CreatedShare:P1}), {p.AcknowledgedPerSecond:N0}/s");
        var others = p.OtherStatuses.Count == 0 ? "" : $" ({string.Join(", ", p.OtherStatuses.Select(s => $"{s.Key}: {s.Value:N0}"))})";
        Line($"  outcomes: 201 {c[PostOutcome.Created]:N0}, 503 {c[PostOutcome.Unavailable]:N0}, 429 {c[PostOutcome.TooManyRequests]:N0}, other status {c[PostOutcome.OtherStatus]:N0}{others}, timeout {c[PostOutcome.Timeout]:N0}, transport error {c[PostOutcome.TransportError]:N0}");
        Line($"  refusals (503, 429): {p.Refusals:N0}, {p.RefusedWithRetryAfter:N0} with Retry-After, {p.RefusedWithoutRetryAfter:N0} without; not answered within {PostAnswers.Prompt.TotalSeconds:0} s (late, timed out or failed): {p.NotAnsweredPromptly:N0}");
        Line($"  POST sent → 201:       {p.Acknowledged}");
        Line($"  POST sent → 503 / 429: {p.Refused}");
        var pool = p.PeakInFlight > WriteRound.MaxConnections ? $": MORE than the {WriteRound.MaxConnections:N0} connections, the rest waited in this program's pool" : "";
        Line($"  schedule: all sent in {r.Schedule.SentIn.TotalSeconds:0.0} s, a send at most {r.Schedule.MaxLate.TotalMilliseconds:N0} ms late; at most {p.PeakInFlight:N0} in flight{pool}; last answer after {r.Schedule.DoneIn.TotalSeconds:0.0} s");
        var pushes = r.Pushes;
        Line($"  pushes: {pushes.Received:N0} / {pushes.Expected:N0} received ({pushes.Missing:N0} missing, {pushes.Repeated:N0} repeats not counted), {pushes.PerSecond:N0}/s; {r.Connected:N0} clients still connected");
        Line($"  post accepted (201) → postAdded: {pushes.FromAccepted} ({pushes.BeforeAccepted:N0} arrived before the 201, counted as 0)");
        Line($"  CPU: Social.Api {r.ServerCores:0.00} cores, this program (posters and clients) {r.ClientCores:0.00} cores, of {Environment.ProcessorCount}");
    }

    /// <summary>Says so when the server does not flush its commits: its inserts/s are then not what a disk allows.</summary>
    public static void FsyncNote(string settings)
    {
        if (settings.Contains("fsync=off", StringComparison.Ordinal))
        {
            Line("  (fsync is off on this throwaway server, as Social.Testing starts it: a commit waits for its WAL write, not for");
            Line("  the disk, so these are upper bounds of durable inserts; the host runs on the same server and settings.)");
        }
    }

    public static void Log(IReadOnlyList<LogFinding> findings, long lines, long kept)
    {
        Line($"Host output: {lines:N0} lines{(kept < lines ? $" ({kept:N0} kept and scanned)" : "")}.");
        foreach (var finding in findings)
        {
            Line($"  {finding.What}: {finding.Lines:N0} lines");
            foreach (var example in finding.Examples)
            {
                Line($"    e.g. {example}");
            }
        }
    }

    public static void Tables(IReadOnlyList<WriteRoundResult> rounds, IReadOnlyList<InsertLimit> limits, string settings)
    {
        Line();
        Line("| round | posts/s offered | acknowledged/s | % acknowledged | POST p50 | POST p99 | refusals with / without Retry-After | not answered in 2 s | push p50 | push p99 | pushes received / expected | server cores |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rounds)
        {
            var (p, s) = (r.Posts, r.Pushes);
            Line($"| {r.Name} | {r.Rate:N0} | {p.AcknowledgedPerSecond:N0} | {p.CreatedShare:P1} | {p.Acknowledged.Cell(p.Acknowledged.P50)} | {p.Acknowledged.Cell(p.Acknowledged.P99)} | {p.RefusedWithRetryAfter:N0} / {p.RefusedWithoutRetryAfter:N0} | {p.NotAnsweredPromptly:N0} | {s.FromAccepted.Cell(s.FromAccepted.P50)} | {s.FromAccepted.Cell(s.FromAccepted.P99)} | {s.Received:N0} / {s.Expected:N0} | {r.ServerCores:0.00} |");
        }

        if (limits.Count == 0)
        {
            return;
        }

        Line();
        Line($"PostgreSQL on this machine, the host's server ({settings}):");
        FsyncNote(settings);
        Line();
        Line("| inserts into an events-shaped table | rows/s | transactions/s | commit p50 | commit p99 |");
        Line("|---|---:|---:|---:|---:|");
        foreach (var l in limits)
        {
            Line($"| {l.Pattern} | {l.RowsPerSecond:N0} | {l.TransactionsPerSecond:N0} | {l.Commit.P50:N2} ms | {l.Commit.P99:N2} ms |");
        }
    }
}
