using System.Diagnostics;
using HdrHistogram;
using Social.Abstractions.Posts;
using Social.Domain.Ids;
using StackExchange.Redis;

namespace Social.Benchmarks;

/// <summary>One isolated post: accepted → applied to the read model → fan-out complete.</summary>
internal readonly record struct SinglePost(TimeSpan EndToEnd, TimeSpan Transport, TimeSpan FanOut);

/// <summary>What one scenario measured.</summary>
internal sealed record ScenarioResult(
    int Followers,
    int Authors,
    int Posts,
    int Completed,
    double OfferedRate,
    TimeSpan PostingTime,
    TimeSpan Elapsed,
    LongHistogram Latency,
    LongHistogram Transport,
    LongHistogram FanOut,
    LongHistogram AcceptLatency,
    CpuUse Cpu,
    int FoundByPoll,
    long Verified,
    long Missing,
    IReadOnlyList<SinglePost> SinglePosts)
{
    /// <summary>Home-timeline entries written per second: posts × followers ÷ (first accepted → last complete).</summary>
    public double DeliveriesPerSecond => (double)Completed * Followers / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>What the steady rate asks for: posts per second × followers.</summary>
    public double OfferedDeliveriesPerSecond => OfferedRate * Followers;

    /// <summary>True when the fan-out kept up with the offered rate (so deliveries/s shows the offer, not the capacity).</summary>
    public bool KeptUp => DeliveriesPerSecond >= 0.9 * OfferedDeliveriesPerSecond;

    public SinglePost SinglePostMedian => SinglePosts.Count == 0 ? default : SinglePosts.OrderBy(p => p.EndToEnd).ElementAt(SinglePosts.Count / 2);
}

/// <summary>
/// One scenario: the authors, each followed by F followers, post at a steady rate (open loop: a post is sent on schedule
/// whether or not the earlier ones are done). For each post, the time from <c>CreateAsync</c> returning to its fan-out
/// being complete is recorded, split at the moment its creation was applied to the read model (event store → stream →
/// projection, then the fan-out); a sample of followers' home timelines is then checked with ZSCORE. Afterwards, with
/// the system idle, single posts measure the fan-out time of one post.
/// </summary>
internal sealed class FanOutScenario(BenchmarkSystem system, BenchmarkOptions options, Action<string> progress)
{
    private const long MaxLatencyMicros = 3_600_000_000;

    public async Task<ScenarioResult> RunAsync(int followers, int authors, CancellationToken cancellationToken)
    {
        await using var watcher = await CompletionWatcher.StartAsync(system.Redis);
        var latency = NewHistogram();
        var transport = NewHistogram();
        var fanOut = NewHistogram();
        var accept = NewHistogram();
        var verifier = new Verifier(system.Redis.GetDatabase(), followers, options.VerifySample);
        var authorIds = Enumerable.Range(0, authors).Select(i => FollowerGraph.Author(followers, i)).ToArray();

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.ScenarioTimeout);
        var token = limit.Token;

        var cpu = await new CpuMeter(system.Redis).StartAsync();
        var interval = TimeSpan.FromSeconds(1 / options.Rate);
        var start = Stopwatch.GetTimestamp();
        long firstAccepted = 0;
        long lastDone = 0;
        var completed = 0;
        var tasks = new List<Task>(options.Posts);
        var gate = new Lock();
        for (var i = 0; i < options.Posts; i++)
        {
            var due = start + (long)(i * interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, token);
            }

            var author = authorIds[i % authorIds.Length];
            tasks.Add(PostOneAsync(author, $"benchmark post {i} of {followers} followers"));
        }

        var postingTime = Stopwatch.GetElapsedTime(start);
        progress($"  … {options.Posts} posts sent in {postingTime.TotalSeconds:N1} s; waiting for their fan-out");
        var incomplete = 0;
        try
        {
            await Task.WhenAll(tasks).WaitAsync(token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            incomplete = options.Posts - completed;
            progress($"  ! {incomplete} posts were not complete after --scenario-timeout {options.ScenarioTimeout.TotalSeconds:0} s");
        }

        var cpuUse = await cpu();
        var elapsed = TimeSpan.FromSeconds((double)(lastDone - firstAccepted) / Stopwatch.Frequency);
        var foundByPoll = watcher.FoundByPoll;

        // The fan-out time of one post, on an idle system.
        var single = new List<SinglePost>();
        for (var i = 0; i < options.SinglePosts && incomplete == 0; i++)
        {
            var postId = PostId.New(DateTimeOffset.UtcNow);
            var done = watcher.Watch(postId.Value);
            await system.Grains.GetGrain<IPostGrain>(postId.Value).CreateAsync(authorIds[i % authorIds.Length], $"single post {i}");
            var accepted = Stopwatch.GetTimestamp();
            var at = await done.WaitAsync(token);
            single.Add(new SinglePost(Elapsed(accepted, at.DoneAt), Elapsed(accepted, at.AppliedAt), Elapsed(at.AppliedAt, at.DoneAt)));
            await verifier.CheckAsync(postId);
        }

        return new ScenarioResult(followers, authors, options.Posts, completed, options.Rate, postingTime, elapsed, latency, transport, fanOut,
            accept, cpuUse, foundByPoll, verifier.Checked, verifier.Missing, single);

        async Task PostOneAsync(UserId author, string text)
        {
            var postId = PostId.New(DateTimeOffset.UtcNow);
            var done = watcher.Watch(postId.Value);
            var sent = Stopwatch.GetTimestamp();
            try
            {
                await system.Grains.GetGrain<IPostGrain>(postId.Value).CreateAsync(author, text);
            }
            catch
            {
                watcher.Forget(postId.Value);
                throw;
            }

            var accepted = Stopwatch.GetTimestamp();
            lock (gate)
            {
                accept.RecordValue(Micros(accepted - sent));
                if (firstAccepted == 0 || accepted < firstAccepted)
                {
                    firstAccepted = accepted;
                }
            }

            var at = await done.WaitAsync(token);
            lock (gate)
            {
                latency.RecordValue(Micros(at.DoneAt - accepted));
                transport.RecordValue(Micros(at.AppliedAt - accepted));
                fanOut.RecordValue(Micros(at.DoneAt - at.AppliedAt));
                lastDone = Math.Max(lastDone, at.DoneAt);
                completed++;
            }

            await verifier.CheckAsync(postId);
        }
    }

    private static LongHistogram NewHistogram() => new(MaxLatencyMicros, 3);

    // The projection can finish a small fan-out before CreateAsync has returned to the caller: that counts as 0.
    private static long Micros(long ticks) => Math.Clamp(ticks * 1_000_000 / Stopwatch.Frequency, 0, MaxLatencyMicros);

    private static TimeSpan Elapsed(long from, long to) => TimeSpan.FromTicks(Math.Max(0, to - from) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);

    /// <summary>
    /// Checks that a complete post really is in its followers' home timelines: the first and the last follower by handle
    /// (the fan-out's first and last batch) and a random sample, with ZSCORE in one round trip.
    /// </summary>
    private sealed class Verifier(IDatabase db, int followers, int sample)
    {
        private long _checked;
        private long _missing;

        public long Checked => Interlocked.Read(ref _checked);

        public long Missing => Interlocked.Read(ref _missing);

        public async Task CheckAsync(PostId post)
        {
            var indexes = new HashSet<int> { 0, followers - 1 };
            while (indexes.Count < Math.Min(followers, sample + 2))
            {
                indexes.Add(Random.Shared.Next(followers));
            }

            var scores = await Task.WhenAll(indexes.Select(i => db.SortedSetScoreAsync(FollowerGraph.HomeTimeline(FollowerGraph.Follower(i)), post.Value)));
            Interlocked.Add(ref _checked, scores.Length);
            Interlocked.Add(ref _missing, scores.Count(s => s is null));
        }
    }
}
