using System.Diagnostics;
using System.Globalization;
using Social.Abstractions.Users;
using Social.Domain.Ids;
using StackExchange.Redis;

namespace Social.Benchmarks;

/// <summary>How one scenario's graph was made, and how long it took.</summary>
internal sealed record SeedReport(
    int Followers,
    int Authors,
    bool ThroughGrains,
    int NewRegistrations,
    int UnregisteredFollowers,
    TimeSpan RegisterTime,
    long Follows,
    TimeSpan FollowTime,
    TimeSpan ProjectionLag)
{
    public double RegistrationsPerSecond => NewRegistrations / Math.Max(RegisterTime.TotalSeconds, 1e-9);

    /// <summary>Follows per second until the last one was in the read model.</summary>
    public double FollowsPerSecond => Follows / Math.Max((FollowTime + ProjectionLag).TotalSeconds, 1e-9);
}

/// <summary>
/// The follower graph: one pool of followers (<c>f0000001</c>…, registered through <see cref="IUserGrain"/>), shared by
/// the scenarios, so that scenario F's authors are followed by the first F of them; the authors of each scenario are
/// its own (<c>a{F}x{i}</c>). Follows go through <see cref="IUserGrain.FollowAsync"/>, or, when so chosen and said in
/// the output, straight into the Redis follower sets the fan-out reads.
/// </summary>
internal sealed class FollowerGraph(BenchmarkSystem system, int concurrency, Action<string> progress)
{
    private const string PasswordHash = "benchmark-not-a-real-hash";
    private int _registeredFollowers;

    public static UserId Follower(int index) => new($"f{index + 1:D7}");

    public static UserId Author(int followers, int index) =>
        new(string.Create(CultureInfo.InvariantCulture, $"a{followers}x{index}"));

    /// <summary>The key of a user's home timeline, as the projection store names it.</summary>
    public static RedisKey HomeTimeline(UserId user) => $"s:home:{user.Value}";

    /// <summary>The key of a user's follower set, as the projection store names it.</summary>
    public static RedisKey FollowersKey(UserId user) => $"s:followers:{user.Value}";

    public async Task<SeedReport> BuildAsync(int followers, int authors, bool throughGrains, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var token = limit.Token;
        try
        {
            var authorIds = Enumerable.Range(0, authors).Select(i => Author(followers, i)).ToArray();

            // Registrations: the authors, and the followers this scenario adds to the pool when its follows go through the
            // grains (a follow needs a registered follower). The direct graph leaves its new followers unregistered: the
            // fan-out reads only the follower set, and registering 100 000 users through the grains takes minutes.
            var registerWatch = Stopwatch.StartNew();
            var newFollowers = throughGrains
                ? Enumerable.Range(_registeredFollowers, Math.Max(0, followers - _registeredFollowers)).Select(Follower).ToArray()
                : [];
            await ForEachAsync([.. newFollowers, .. authorIds], user => Grain(user).RegisterAsync(user.Value, PasswordHash), "registered", token);
            _registeredFollowers += newFollowers.Length;
            var registerTime = registerWatch.Elapsed;

            var followWatch = Stopwatch.StartNew();
            var follows = (long)followers * authors;
            if (throughGrains)
            {
                // One task per follower, which follows the authors one after the other (a user grain takes one call at a time).
                await ForEachAsync(Enumerable.Range(0, followers).Select(Follower).ToArray(), async follower =>
                {
                    foreach (var author in authorIds)
                    {
                        await Grain(follower).FollowAsync(author);
                    }
                }, "following", token);
            }
            else
            {
                await WriteEdgesAsync(followers, authorIds, token);
            }

            var followTime = followWatch.Elapsed;
            var lagWatch = Stopwatch.StartNew();
            await WaitForReadModelAsync(followers, authorIds, registerWatch, token);
            return new SeedReport(followers, authors, throughGrains, newFollowers.Length + authors, Math.Max(0, followers - _registeredFollowers),
                registerTime, follows, followTime, lagWatch.Elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Making the graph of {followers} followers took longer than {timeout.TotalSeconds:0} s (--seed-timeout).");
        }
    }

    private IUserGrain Grain(UserId user) => system.Grains.GetGrain<IUserGrain>(user.Value);

    private async Task ForEachAsync(UserId[] users, Func<UserId, Task> call, string what, CancellationToken token)
    {
        var done = 0;
        var watch = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = token }, async (user, _) =>
        {
            await call(user);
            var n = Interlocked.Increment(ref done);
            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = watch.Elapsed;
                progress($"  … {what} {n:N0} of {users.Length:N0} users ({n / watch.Elapsed.TotalSeconds:N0}/s)");
            }
        });
    }

    /// <summary>The follow edges as <c>ApplyFollow</c> leaves them in Redis: both sides' sorted sets, score 0.</summary>
    private async Task WriteEdgesAsync(int followers, UserId[] authors, CancellationToken token)
    {
        var db = system.Redis.GetDatabase();
        foreach (var chunk in Enumerable.Range(0, followers).Chunk(1000))
        {
            token.ThrowIfCancellationRequested();
            var batch = db.CreateBatch();
            var pending = new List<Task>(chunk.Length * (authors.Length + 1));
            var handles = chunk.Select(i => (RedisValue)Follower(i).Value).ToArray();
            foreach (var author in authors)
            {
                pending.Add(batch.SortedSetAddAsync(FollowersKey(author), [.. handles.Select(h => new SortedSetEntry(h, 0))]));
            }

            foreach (var handle in handles)
            {
                pending.Add(batch.SortedSetAddAsync($"s:following:{handle}", [.. authors.Select(a => new SortedSetEntry(a.Value, 0))]));
            }

            batch.Execute();
            await Task.WhenAll(pending);
        }
    }

    /// <summary>Waits until every author's follower set is complete and the followers' projections are idle.</summary>
    private async Task WaitForReadModelAsync(int followers, UserId[] authors, Stopwatch since, CancellationToken token)
    {
        var db = system.Redis.GetDatabase();
        var sample = Enumerable.Range(0, Math.Min(followers, 200)).Select(i => Follower(i * (followers / Math.Min(followers, 200)))).ToArray();
        var lastReport = since.Elapsed;
        while (true)
        {
            var counts = await Task.WhenAll(authors.Select(a => db.SortedSetLengthAsync(FollowersKey(a))));
            // Every follow leaves its side effect (the backfill merge) pending until done; wait until none is.
            var checkpoints = await Task.WhenAll(sample.Select(f => db.HashGetAsync($"s:cp:user-{f.Value}", ["applied", "done"])));
            var complete = counts.All(c => c == followers) && checkpoints.All(cp => cp[0] == cp[1]);
            if (complete)
            {
                return;
            }

            if (since.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = since.Elapsed;
                progress($"  … waiting for the read model: {counts.Min():N0} of {followers:N0} followers in the smallest set");
            }

            await Task.Delay(50, token);
        }
    }
}
