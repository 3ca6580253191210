using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;

namespace Social.Benchmarks;

/// <summary>When a post's creation was applied to the read model, and when its fan-out was complete (stopwatch timestamps).</summary>
internal readonly record struct Completion(long AppliedAt, long DoneAt);

/// <summary>
/// Learns when a post's fan-out is complete: its projection's checkpoint <c>s:cp:post-{id}</c> has <c>done</c> equal to
/// <c>applied</c>, which <c>PostProjectionGrain</c> sets only after the last batch of home timelines was written.
/// Redis keyspace notifications on hash writes (<c>notify-keyspace-events Kh</c>, set on the benchmark's own server) say
/// when a checkpoint changed, so the time is taken when it happens, without polling load on Redis; a slow poll of the
/// posts still open guards against a lost notification.
/// </summary>
internal sealed class CompletionWatcher : IAsyncDisposable
{
    private const string Prefix = "s:cp:post-";
    private static readonly TimeSpan _pollEvery = TimeSpan.FromMilliseconds(200);
    private static readonly RedisValue[] _fields = ["applied", "done"];

    private readonly ConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task? _poller;
    private int _foundByPoll;

    private CompletionWatcher(ConnectionMultiplexer redis)
    {
        _redis = redis;
        _channel = RedisChannel.Pattern($"__keyspace@{redis.GetDatabase().Database}__:{Prefix}*");
    }

    /// <summary>
    /// Completions that the fallback poll saw before their notification was handled: mostly a race won by the poll,
    /// timed as precisely; a lost notification would be timed up to one poll interval late.
    /// </summary>
    public int FoundByPoll => Volatile.Read(ref _foundByPoll);

    public static async Task<CompletionWatcher> StartAsync(ConnectionMultiplexer redis)
    {
        var watcher = new CompletionWatcher(redis);
        await redis.GetServers()[0].ConfigSetAsync("notify-keyspace-events", "Kh");
        await redis.GetSubscriber().SubscribeAsync(watcher._channel, (channel, _) => watcher.OnChanged(channel));
        watcher._poller = watcher.PollAsync();
        return watcher;
    }

    /// <summary>
    /// Watches a post before it is created, so that no notification can be missed. Completes with the times (stopwatch
    /// timestamps) when the post's creation was applied to the read model (the first write of its checkpoint, whose
    /// notification is taken as it arrives) and when its fan-out was known to be complete.
    /// </summary>
    public Task<Completion> Watch(string postId)
    {
        var pending = new Pending();
        _pending[postId] = pending;
        return pending.Done.Task;
    }

    public void Forget(string postId) => _pending.TryRemove(postId, out _);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_poller is not null)
        {
            await _poller;
        }

        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(_channel);
            await _redis.GetServers()[0].ConfigSetAsync("notify-keyspace-events", "");
        }
        catch (RedisException)
        {
            // The server is going away with the run.
        }

        foreach (var pending in _pending.Values)
        {
            pending.Done.TrySetCanceled();
        }

        _stop.Dispose();
    }

    private void OnChanged(RedisChannel channel)
    {
        var name = channel.ToString();
        var at = name.LastIndexOf(Prefix, StringComparison.Ordinal);
        if (at >= 0 && _pending.TryGetValue(name[(at + Prefix.Length)..], out var pending))
        {
            // The first write of a post's checkpoint is the one that applies its creation.
            Interlocked.CompareExchange(ref pending.AppliedAt, Stopwatch.GetTimestamp(), 0);
            _ = CheckAsync(name[(at + Prefix.Length)..], pending, byPoll: false);
        }
    }

    // The time is taken when the answer arrives: a notification of the 'applied' write may be checked after 'done' too.
    private async Task CheckAsync(string postId, Pending pending, bool byPoll)
    {
        try
        {
            var values = await _redis.GetDatabase().HashGetAsync(Prefix + postId, _fields);
            var now = Stopwatch.GetTimestamp();
            if (values[0].HasValue && (long)values[0] >= 1)
            {
                Interlocked.CompareExchange(ref pending.AppliedAt, now, 0);
            }

            if (values[0].HasValue && values[1].HasValue && (long)values[1] >= (long)values[0] && (long)values[0] >= 1
                && _pending.TryRemove(postId, out _) && pending.Done.TrySetResult(new Completion(Interlocked.Read(ref pending.AppliedAt), now)) && byPoll)
            {
                Interlocked.Increment(ref _foundByPoll);
            }
        }
        catch (RedisException)
        {
            // The poll comes back to it.
        }
    }

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_pollEvery, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            await Task.WhenAll(_pending
                .Where(p => Stopwatch.GetElapsedTime(p.Value.Since, now) > _pollEvery)
                .Select(p => CheckAsync(p.Key, p.Value, byPoll: true)));
        }
    }

    private sealed class Pending
    {
        public long AppliedAt;

        public long Since { get; } = Stopwatch.GetTimestamp();

        public TaskCompletionSource<Completion> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
