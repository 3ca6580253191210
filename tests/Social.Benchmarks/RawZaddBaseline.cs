using System.Diagnostics;
using Social.Domain.Ids;
using StackExchange.Redis;

namespace Social.Benchmarks;

/// <summary>What a baseline round trip sends for each home timeline.</summary>
internal enum BaselineKind
{
    /// <summary>One pipelined ZADD per timeline.</summary>
    Zadd,

    /// <summary>One pipelined ZADD and one ZREMRANGEBYRANK per timeline: what the store sends.</summary>
    ZaddTrim,

    /// <summary>
    /// One EVALSHA per batch whose script does the ZADD and the ZREMRANGEBYRANK of every timeline of the batch inside
    /// Redis: not what the store does, but what it could do (see the report's suggestions).
    /// </summary>
    ScriptBatch,
}

/// <summary>One baseline measurement.</summary>
internal sealed record BaselineResult(
    int Keys, BaselineKind Kind, int Parallel, int BatchSize, long Writes, TimeSpan Elapsed, CpuUse Cpu, bool OnTimelines)
{
    /// <summary>Timeline entries per second; with the trim, each also costs a ZREMRANGEBYRANK.</summary>
    public double WritesPerSecond => Writes / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public bool WithTrim => Kind == BaselineKind.ZaddTrim;

    public string Name => Kind switch
    {
        BaselineKind.Zadd => "ZADD",
        BaselineKind.ZaddTrim => "ZADD + ZREMRANGEBYRANK",
        _ => "one script per batch",
    } + (OnTimelines ? " into the home timelines" : " into fresh keys");
}

/// <summary>
/// The baseline: what StackExchange.Redis and the same Redis do with raw pipelined writes of the fan-out's shape. One
/// post id (26 characters, like the ids the fan-out writes) goes into each of F sorted sets (score 0) per round, in
/// batches of the fan-out's batch size sent as one pipelined <c>IBatch</c> and awaited together, as
/// <c>RedisProjectionStore.AddToHomeTimelinesAsync</c> does; with the trim, every ZADD is followed by the same
/// <c>ZREMRANGEBYRANK key 0 -(capacity+1)</c>. The keys are either the benchmark's own fresh ones (<c>bench:home:…</c>,
/// small sorted sets, deleted afterwards) or the scenario's real home timelines after its posts (the size, encoding and
/// memory layout the fan-out wrote into; the members written are taken out again).
/// </summary>
internal sealed class RawZaddBaseline(ConnectionMultiplexer redis, int capacity)
{
    // KEYS: the batch's home timelines. ARGV: the post id, the capacity.
    private const string BatchScript = """
        local trim = -tonumber(ARGV[2]) - 1
        for _, key in ipairs(KEYS) do
            redis.call('ZADD', key, 0, ARGV[1])
            redis.call('ZREMRANGEBYRANK', key, 0, trim)
        end
        return #KEYS
        """;

    private const long WarmUpWrites = 100_000;

    // Everything below this sorts before every post id: the members the measurement puts into real timelines.
    private static readonly RedisValue _belowPosts = "00000100000000000000000000";

    /// <summary>Writes into the benchmark's own fresh keys (<c>bench:home:…</c>), deleted afterwards.</summary>
    public Task<BaselineResult> MeasureAsync(int keys, BaselineKind kind, int parallel, int batchSize, long minWrites, CancellationToken cancellationToken) =>
        MeasureAsync(
            [.. Enumerable.Range(0, keys).Select(i => (RedisKey)$"bench:home:{FollowerGraph.Follower(i).Value}")],
            onTimelines: false, kind, parallel, batchSize, minWrites, cancellationToken);

    /// <summary>
    /// Writes into the given users' real home timelines, so that the sorted sets have the size, encoding and memory
    /// layout the fan-out met. The members written sort before every post id (<c>0000…</c>), so that a trim at capacity
    /// drops them rather than a post; they are all taken out again afterwards.
    /// </summary>
    public Task<BaselineResult> MeasureOnTimelinesAsync(
        IEnumerable<RedisKey> timelines, BaselineKind kind, int parallel, int batchSize, long minWrites, CancellationToken cancellationToken) =>
        MeasureAsync([.. timelines], onTimelines: true, kind, parallel, batchSize, minWrites, cancellationToken);

    private async Task<BaselineResult> MeasureAsync(
        RedisKey[] keyNames, bool onTimelines, BaselineKind kind, int parallel, int batchSize, long minWrites, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var keys = keyNames.Length;
        var rounds = (int)Math.Max(1, (minWrites + keys - 1) / keys);
        var chunks = keyNames.Chunk(batchSize).ToArray();
        var round = 0;
        try
        {
            // Warm-up, not timed: the JIT's tiers and the connection's buffers settle over some hundred thousand writes.
            for (long warm = 0; warm < Math.Max(keys, WarmUpWrites); warm += keys)
            {
                await RunRoundAsync(db, chunks, Member(round++), kind, parallel, cancellationToken);
            }

            var cpu = await new CpuMeter(redis).StartAsync();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < rounds; i++)
            {
                await RunRoundAsync(db, chunks, Member(round++), kind, parallel, cancellationToken);
            }

            var elapsed = watch.Elapsed;
            return new BaselineResult(keys, kind, parallel, batchSize, (long)rounds * keys, elapsed, await cpu(), onTimelines);
        }
        finally
        {
            foreach (var chunk in keyNames.Chunk(1000))
            {
                if (onTimelines)
                {
                    var batch = db.CreateBatch();
                    var removed = chunk.Select(key => batch.SortedSetRemoveRangeByValueAsync(key, default, _belowPosts, Exclude.Stop)).ToArray();
                    batch.Execute();
                    await Task.WhenAll(removed);
                }
                else
                {
                    await db.ExecuteAsync("UNLINK", [.. chunk.Select(k => (object)k)], CommandFlags.FireAndForget);
                }
            }

            await db.PingAsync();
        }

        // Post ids start with their time ("01…" since 2003); these 26-character members sort before all of them.
        RedisValue Member(int n) => onTimelines ? $"000000{n:D20}" : PostId.New(DateTimeOffset.UtcNow).Value;
    }

    private async Task RunRoundAsync(IDatabase db, RedisKey[][] chunks, RedisValue member, BaselineKind kind, int parallel, CancellationToken cancellationToken)
    {
        var next = -1;
        var workers = Enumerable.Range(0, parallel).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < chunks.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = chunks[i];
                if (kind == BaselineKind.ScriptBatch)
                {
                    await db.ScriptEvaluateAsync(BatchScript, chunk, [member, capacity]);
                    continue;
                }

                var batch = db.CreateBatch();
                var pending = new Task[kind == BaselineKind.ZaddTrim ? chunk.Length * 2 : chunk.Length];
                var n = 0;
                foreach (var key in chunk)
                {
                    pending[n++] = batch.SortedSetAddAsync(key, member, 0);
                    if (kind == BaselineKind.ZaddTrim)
                    {
                        pending[n++] = batch.SortedSetRemoveRangeByRankAsync(key, 0, -capacity - 1);
                    }
                }

                batch.Execute();
                await Task.WhenAll(pending);
            }
        });
        await Task.WhenAll(workers);
    }
}
