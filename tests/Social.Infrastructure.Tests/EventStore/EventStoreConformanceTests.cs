using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Social.Abstractions.EventStore;
using Xunit;

namespace Social.Infrastructure.Tests.EventStore;

/// <summary>What every <see cref="IEventStore"/> must do. Each implementation runs these through a subclass.</summary>
public abstract class EventStoreConformanceTests : IAsyncLifetime
{
    private IEventStore? _store;

    protected IEventStore Store => _store ?? throw new InvalidOperationException("not initialized");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Makes an empty store for one test.</summary>
    protected abstract Task<IEventStore> CreateStoreAsync();

    public virtual async ValueTask InitializeAsync() => _store = await CreateStoreAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task AppendAsync_NewStreamAtExpectedZero_ReadStreamReturnsTypeDataAndMetadata()
    {
        var metadata = new EventMetadata("correlation-1", "command-1", "key-1", "user-1");
        var first = NewEvent("V1.PostCreated", """{"postId":"p1","text":"hello"}""", metadata);
        var second = NewEvent("V1.PostLiked", """{"postId":"p1","by":"u2"}""");
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);

        var version = await Store.AppendAsync("post-1", 0, [first, second], cancellationToken: Ct);

        Assert.Equal(2, version);
        var events = await Store.ReadStreamAsync("post-1", cancellationToken: Ct);
        Assert.Equal([1L, 2L], events.Select(e => e.Version));
        Assert.All(events, e => Assert.Equal("post-1", e.StreamId));
        Assert.Equal([first.EventId, second.EventId], events.Select(e => e.EventId));
        Assert.Equal(["V1.PostCreated", "V1.PostLiked"], events.Select(e => e.Type));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(first.Data), JsonNode.Parse(events[0].Data)));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(second.Data), JsonNode.Parse(events[1].Data)));
        Assert.Equal(metadata, events[0].Metadata);
        Assert.Equal(EventMetadata.Empty, events[1].Metadata);
        Assert.All(events, e => Assert.InRange(e.RecordedAt, before, DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.True(events[0].Position.CompareTo(events[1].Position) < 0);
    }

    [Fact]
    public async Task AppendAsync_StreamAtAnotherVersion_ThrowsWithActualVersionAndWritesNothing()
    {
        await Store.AppendAsync("user-1", 0, [NewEvent(), NewEvent()], cancellationToken: Ct);

        var behind = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync("user-1", 1, [NewEvent()], cancellationToken: Ct));
        var ahead = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync("user-1", 5, [NewEvent()], cancellationToken: Ct));
        var asNew = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync("user-1", 0, [NewEvent()], cancellationToken: Ct));

        Assert.Equal(("user-1", 1L, 2L), (behind.StreamId, behind.ExpectedVersion, behind.ActualVersion));
        Assert.Equal((5L, 2L), (ahead.ExpectedVersion, ahead.ActualVersion));
        Assert.Equal((0L, 2L), (asNew.ExpectedVersion, asNew.ActualVersion));
        Assert.Equal(2, (await Store.ReadStreamAsync("user-1", cancellationToken: Ct)).Count);
        Assert.Equal(2, (await ReadAllEventuallyAsync(GlobalPosition.Start, 100, atLeast: 2)).Count);
    }

    [Fact]
    public async Task AppendAsync_NewStreamWithNonZeroExpectedVersion_ThrowsAndWritesNothing()
    {
        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync("user-2", 3, [NewEvent()], cancellationToken: Ct));

        Assert.Equal(0, error.ActualVersion);
        Assert.Empty(await Store.ReadStreamAsync("user-2", cancellationToken: Ct));
    }

    [Fact]
    public async Task AppendAsync_RetryWithSameIdsAtSameVersions_SucceedsWithoutWritingAgain()
    {
        await Store.AppendAsync("post-2", 0, [NewEvent()], cancellationToken: Ct);
        List<EventData> batch = [NewEvent(), NewEvent(), NewEvent()];
        Assert.Equal(4, await Store.AppendAsync("post-2", 1, batch, cancellationToken: Ct));
        await Store.AppendAsync("post-2", 4, [NewEvent()], cancellationToken: Ct);

        // A retry after an unknown outcome, even once the stream has moved on.
        var retried = await Store.AppendAsync("post-2", 1, batch, cancellationToken: Ct);

        Assert.Equal(4, retried);
        var events = await Store.ReadStreamAsync("post-2", cancellationToken: Ct);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], events.Select(e => e.Version));
        Assert.Equal(batch.Select(e => e.EventId), events.Skip(1).Take(3).Select(e => e.EventId));
    }

    [Fact]
    public async Task AppendAsync_SameIdsAtAnotherVersion_ThrowsWrongExpectedVersion()
    {
        var stored = NewEvent();
        await Store.AppendAsync("post-3", 0, [stored], cancellationToken: Ct);

        // The stream is where the caller expects, but the event already sits at version 1, not 2.
        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync("post-3", 1, [stored], cancellationToken: Ct));
        // Only part of the batch is stored: not a retry of that append.
        var partial = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync("post-3", 0, [stored, NewEvent()], cancellationToken: Ct));
        // The same id in another stream.
        await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync("post-4", 0, [stored], cancellationToken: Ct));

        Assert.Equal(1, error.ActualVersion);
        Assert.Equal(1, partial.ActualVersion);
        Assert.Single(await Store.ReadStreamAsync("post-3", cancellationToken: Ct));
        Assert.Empty(await Store.ReadStreamAsync("post-4", cancellationToken: Ct));
    }

    [Fact]
    public async Task AppendAsync_EmptyBatch_ReturnsCurrentVersionAndStillChecksIt()
    {
        Assert.Equal(0, await Store.AppendAsync("user-3", 0, [], cancellationToken: Ct));
        await Store.AppendAsync("user-3", 0, [NewEvent(), NewEvent()], cancellationToken: Ct);

        Assert.Equal(2, await Store.AppendAsync("user-3", 2, [], cancellationToken: Ct));
        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => Store.AppendAsync("user-3", 1, [], cancellationToken: Ct));
        Assert.Equal(2, error.ActualVersion);
        Assert.Equal(2, (await Store.ReadStreamAsync("user-3", cancellationToken: Ct)).Count);
    }

    [Fact]
    public async Task AppendAsync_InvalidArguments_Throw()
    {
        var repeated = NewEvent();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync("", 0, [NewEvent()], cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AppendAsync("s", -1, [NewEvent()], cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync("s", 0, [repeated, repeated], cancellationToken: Ct));
        Assert.Empty(await Store.ReadAllAsync(GlobalPosition.Start, 10, Ct));
    }

    [Fact]
    public async Task ReadStreamAsync_AfterVersion_ReturnsOnlyLaterVersionsInOrder()
    {
        await Store.AppendAsync("post-5", 0, [NewEvent(), NewEvent()], cancellationToken: Ct);
        await Store.AppendAsync("other", 0, [NewEvent()], cancellationToken: Ct);
        await Store.AppendAsync("post-5", 2, [NewEvent(), NewEvent(), NewEvent()], cancellationToken: Ct);

        Assert.Equal([3L, 4L, 5L], (await Store.ReadStreamAsync("post-5", 2, Ct)).Select(e => e.Version));
        Assert.Empty(await Store.ReadStreamAsync("post-5", 5, Ct));
        Assert.Empty(await Store.ReadStreamAsync("missing", cancellationToken: Ct));
    }

    [Fact]
    public async Task ReadAllAsync_PagedFromLastPosition_ReturnsEveryEventOnceInAppendOrder()
    {
        var appended = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            List<EventData> batch = [NewEvent(), NewEvent(), NewEvent()];
            await Store.AppendAsync($"stream-{i % 3}", i / 3 * 3, batch, cancellationToken: Ct);
            appended.AddRange(batch.Select(e => e.EventId));
        }

        var read = new List<RecordedEvent>();
        var position = GlobalPosition.Start;
        while (read.Count < appended.Count)
        {
            var page = await ReadAllEventuallyAsync(position, 4);
            Assert.InRange(page.Count, 1, 4);
            read.AddRange(page);
            position = page[^1].Position;
        }

        Assert.Equal(appended, read.Select(e => e.EventId));
        Assert.Equal(read.Select(e => e.Position).Order(), read.Select(e => e.Position));
        Assert.Empty(await Store.ReadAllAsync(read[^1].Position, 100, Ct));
        Assert.Equal(read.Skip(5).Select(e => e.EventId), (await Store.ReadAllAsync(read[4].Position, 100, Ct)).Select(e => e.EventId));
    }

    [Fact]
    public async Task AppendAsync_TwentyAppendersAtSameExpectedVersion_ExactlyOneWinsEachRound()
    {
        for (var round = 0L; round < 5; round++)
        {
            var expected = round;
            var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
            {
                var e = NewEvent();
                try
                {
                    await Store.AppendAsync("contended", expected, [e], cancellationToken: Ct);
                    return (Won: true, e.EventId, Actual: expected + 1);
                }
                catch (WrongExpectedVersionException conflict)
                {
                    return (Won: false, e.EventId, Actual: conflict.ActualVersion);
                }
            })));

            var winner = Assert.Single(attempts, a => a.Won);
            Assert.All(attempts, a => Assert.Equal(expected + 1, a.Actual));
            var stream = await Store.ReadStreamAsync("contended", cancellationToken: Ct);
            Assert.Equal(expected + 1, stream.Count);
            Assert.Equal(winner.EventId, stream[^1].EventId);
        }
    }

    [Fact]
    public async Task AppendAsync_WritersRacingWithRetries_StreamHasVersionsOneToNWithoutGaps()
    {
        const int writers = 10;
        const int appendsEach = 20;
        var acknowledged = new ConcurrentBag<Guid>();

        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            var known = 0L;
            for (var i = 0; i < appendsEach; i++)
            {
                var e = NewEvent();
                while (true)
                {
                    try
                    {
                        known = await Store.AppendAsync("raced", known, [e], cancellationToken: Ct);
                        acknowledged.Add(e.EventId);
                        break;
                    }
                    catch (WrongExpectedVersionException conflict)
                    {
                        known = conflict.ActualVersion;
                    }
                }
            }
        })));

        var stream = await Store.ReadStreamAsync("raced", cancellationToken: Ct);
        Assert.Equal(Enumerable.Range(1, writers * appendsEach).Select(v => (long)v), stream.Select(e => e.Version));
        Assert.Equal(acknowledged.Order(), stream.Select(e => e.EventId).Order());
    }

    [Fact]
    public async Task ReadAllAsync_PollingWhileWritersAppend_SeesEveryEventOnceInStreamOrder()
    {
        var run = await RunWritersWithPollerAsync(_ => Store, writers: 6, appendsEach: 100, streams: 12);

        AssertPolledExactlyTheAcknowledged(run);
    }

    /// <summary>
    /// Appends from several writers to a few shared streams (conflicts are retried) while one reader polls
    /// <see cref="IEventStore.ReadAllAsync"/> from its last position, and then until it has caught up.
    /// </summary>
    protected async Task<PollerRun> RunWritersWithPollerAsync(Func<int, IEventStore> writerStore, int writers, int appendsEach, int streams)
    {
        var acknowledged = new ConcurrentDictionary<Guid, (string Stream, long Version)>();
        var knownVersions = new ConcurrentDictionary<string, long>();
        var writing = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var store = writerStore(w);
            var random = new Random(w);
            for (var i = 0; i < appendsEach; i++)
            {
                var stream = $"stream-{random.Next(streams)}";
                var batch = Enumerable.Range(0, random.Next(1, 4)).Select(_ => NewEvent()).ToList();
                while (true)
                {
                    var expected = knownVersions.GetValueOrDefault(stream);
                    try
                    {
                        var version = await store.AppendAsync(stream, expected, batch, cancellationToken: Ct);
                        for (var k = 0; k < batch.Count; k++)
                        {
                            acknowledged[batch[k].EventId] = (stream, expected + k + 1);
                        }

                        knownVersions.AddOrUpdate(stream, version, (_, v) => Math.Max(v, version));
                        break;
                    }
                    catch (WrongExpectedVersionException conflict)
                    {
                        knownVersions.AddOrUpdate(stream, conflict.ActualVersion, (_, v) => Math.Max(v, conflict.ActualVersion));
                    }
                }
            }
        })));

        var polled = new List<RecordedEvent>();
        var position = GlobalPosition.Start;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!writing.IsCompleted || polled.Count < acknowledged.Count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the poller saw {polled.Count} of {acknowledged.Count} events");
            var page = await Store.ReadAllAsync(position, 50, Ct);
            if (page.Count == 0)
            {
                await Task.Delay(2, Ct);
                continue;
            }

            polled.AddRange(page);
            position = page[^1].Position;
        }

        await writing;
        Assert.Empty(await Store.ReadAllAsync(position, 50, Ct));
        return new PollerRun(polled, acknowledged);
    }

    protected static void AssertPolledExactlyTheAcknowledged(PollerRun run)
    {
        Assert.Equal(run.Polled.Count, run.Polled.Select(e => e.EventId).Distinct().Count());
        for (var i = 1; i < run.Polled.Count; i++)
        {
            Assert.True(run.Polled[i - 1].Position.CompareTo(run.Polled[i].Position) < 0, $"position {i} does not increase");
        }

        Assert.Equal(run.Acknowledged.Keys.Order(), run.Polled.Select(e => e.EventId).Order());
        Assert.All(run.Polled, e => Assert.Equal(run.Acknowledged[e.EventId], (e.StreamId, e.Version)));
        foreach (var stream in run.Polled.GroupBy(e => e.StreamId))
        {
            // Versions arrive as 1, 2, 3...: in order and without a gap.
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.Version));
        }
    }

    /// <summary>Reads all from a position, waiting for writes of other tests' transactions to stop holding it back.</summary>
    protected async Task<IReadOnlyList<RecordedEvent>> ReadAllEventuallyAsync(GlobalPosition after, int maxCount, int atLeast = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var page = await Store.ReadAllAsync(after, maxCount, Ct);
            if (page.Count >= atLeast || DateTime.UtcNow > deadline)
            {
                return page;
            }

            await Task.Delay(10, Ct);
        }
    }

    protected static EventData NewEvent(string type = "V1.TestHappened", string? data = null, EventMetadata? metadata = null)
    {
        var id = Guid.NewGuid();
        return new EventData(id, type, data ?? $$"""{"n":"{{id}}"}""", metadata ?? EventMetadata.Empty);
    }

    /// <summary>What a poller saw, and what the writers were told was stored.</summary>
    protected sealed record PollerRun(
        IReadOnlyList<RecordedEvent> Polled,
        IReadOnlyDictionary<Guid, (string Stream, long Version)> Acknowledged);
}
