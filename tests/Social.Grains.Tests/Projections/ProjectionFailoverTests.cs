using System.Diagnostics;
using Orleans.TestingHost;
using Social.Abstractions.EventStore;
using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Grains.Tests.TestHost;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.Projections;

/// <summary>
/// A silo dies while its projections are half-way through fanning posts out: the silo that is left redelivers what
/// was not acknowledged, the projections finish what was cut short, and every event ends up in every read model
/// exactly once.
/// </summary>
public sealed class ProjectionFailoverTests(StoresFixture stores)
{
    private const int Authors = 4;
    private const int Readers = 30;
    private const int PostsPerRound = 5;
    private static readonly TimeSpan _writeRetryTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan _recoveryTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SiloKilledMidFanOut_WritesGoOn_EveryTimelineHasEveryPostOnceAndCountsExact()
    {
        var output = TestContext.Current.TestOutputHelper;
        await using var database = await EventStoreDatabase.CreateAsync(stores.Postgres);
        // Small batches that each take a while: a post's fan-out to some twenty followers takes about 100 ms.
        var slow = new SlowFanOut(TimeSpan.FromMilliseconds(15));
        await using var cluster = await ProjectionCluster.StartAsync(
            database.ConnectionString,
            stores.Redis.ConnectionString,
            silos: 2,
            timelines: o => o.FanOutBatchSize = 4,
            decorateStore: slow.Wrap,
            clientResponseTimeout: TimeSpan.FromSeconds(5));

        var authors = await cluster.RegisterAsync(Authors);
        var readers = await cluster.RegisterAsync(Readers);
        UserId[] everyone = [.. authors, .. readers];
        await Task.WhenAll(readers.Select((reader, i) => Task.WhenAll(
            authors.Where((_, j) => Follows(i, j)).Select(author => cluster.User(reader).FollowAsync(author)))));
        // One at a time: the authors' follows form a cycle, and this test should not depend on concurrent follows around
        // a cycle, which TimelineProjectionTests.MutualFollow_BothAtOnce_BothCommitAndBothListsShowIt is about.
        for (var j = 0; j < Authors; j++)
        {
            await cluster.User(authors[j]).FollowAsync(authors[(j + 1) % Authors]);
        }

        await StoreModel.AssertEventuallyAsync(database, cluster.Queries, everyone, _recoveryTimeout);

        var round = Task.Run(() => WriteRoundAsync(cluster, authors, readers, 0), TestContext.Current.CancellationToken);
        InProcessSiloHandle? victim = null;
        await Eventually.AssertAsync(() =>
        {
            // A silo that has written some fan-out batches and is in the middle of more.
            victim = cluster.Cluster.Silos.FirstOrDefault(s => slow.InFlight(s.Name) > 0 && slow.Written(s.Name) >= 10);
            Assert.NotNull(victim);
            return Task.CompletedTask;
        });
        var silo = victim!;
        var inFlight = slow.InFlight(silo.Name);
        slow.Crash(silo.Name);
        var kill = Stopwatch.StartNew();
        var cutShort = await CutShortAsync(cluster, database);
        await cluster.KillSiloAsync(silo);
        output?.WriteLine($"Killed {silo.Name} with {inFlight} fan-out batches under way; it had written {slow.Written(silo.Name)}. " +
                          $"Projections with side effects unfinished at the kill: {string.Join(", ", cutShort)}.");
        Assert.NotEmpty(cutShort);

        await round;
        await WriteRoundAsync(cluster, authors, readers, 1);
        var lastWrite = kill.Elapsed;

        var expected = await StoreModel.AssertEventuallyAsync(database, cluster.Queries, everyone, _recoveryTimeout);
        output?.WriteLine(
            $"{expected.EventCount} events. The read models matched the event store {kill.Elapsed.TotalSeconds:0.0} s after the kill " +
            $"({(kill.Elapsed - lastWrite).TotalSeconds:0.0} s after the last write, made {lastWrite.TotalSeconds:0.0} s after the kill).");

        // Nothing is applied twice afterwards either: a last look once deliveries have settled.
        await expected.AssertReadModelsAsync(cluster.Queries, everyone);
    }

    /// <summary>The streams whose projection checkpoint says applied, but side effects (fan-out) not done.</summary>
    private static async Task<List<string>> CutShortAsync(ProjectionCluster cluster, EventStoreDatabase database)
    {
        var streams = new HashSet<string>(StringComparer.Ordinal);
        var position = GlobalPosition.Start;
        while (true)
        {
            var batch = await database.Store.ReadAllAsync(position, 1000, TestContext.Current.CancellationToken);
            streams.UnionWith(batch.Select(e => e.StreamId));
            if (batch.Count < 1000)
            {
                break;
            }

            position = batch[^1].Position;
        }

        var cut = new List<string>();
        foreach (var stream in streams)
        {
            var checkpoint = await cluster.Store.GetCheckpointAsync(stream);
            if (checkpoint.SideEffectsDone < checkpoint.Applied)
            {
                cut.Add($"{stream} (applied {checkpoint.Applied}, done {checkpoint.SideEffectsDone})");
            }
        }

        return cut;
    }

    /// <summary>Reader <paramref name="reader"/> follows author <paramref name="author"/> at first, three authors of four.</summary>
    private static bool Follows(int reader, int author) => (reader + author) % Authors != 0;

    /// <summary>
    /// Posts by every author, liked and commented; follows that backfill, unfollows that remove, and deletions. Each
    /// write is retried while the cluster is failing over; every one of them is safe to repeat.
    /// </summary>
    private static async Task WriteRoundAsync(ProjectionCluster cluster, UserId[] authors, UserId[] readers, int round)
    {
        var ct = TestContext.Current.CancellationToken;
        await Task.WhenAll(authors.Select(async (author, j) =>
        {
            var posts = new List<PostId>();
            for (var p = 0; p < PostsPerRound; p++)
            {
                var post = Ids.NewPost();
                var text = $"Round {round}, post {p} by {author}";
                await RetryAsync(() => cluster.Post(post).CreateAsync(author, text));
                posts.Add(post);
                var comment = Ids.NewComment();
                var commenter = readers[(p + (j * 7)) % Readers];
                await RetryAsync(() => cluster.Post(post).AddCommentAsync(comment, commenter, "Noted"));
                foreach (var liker in new[] { readers[(p + j) % Readers], readers[(p + j + 11) % Readers], commenter })
                {
                    await RetryAsync(() => cluster.Post(post).LikeAsync(liker));
                }
            }

            await RetryAsync(() => cluster.Post(posts[0]).DeleteAsync(author), doneWhenNotFound: true);
            await RetryAsync(() => cluster.Post(posts[1]).UnlikeAsync(readers[(1 + j) % Readers]));
        }));

        // Readers who did not follow an author start to; others stop following one they did.
        await Task.WhenAll(Enumerable.Range(round * 5, 5).Select(async i =>
        {
            var notFollowed = authors[(Authors - (i % Authors)) % Authors];
            await RetryAsync(() => cluster.User(readers[i]).FollowAsync(notFollowed));
            var quitter = 15 + i;
            var followed = authors[(quitter + 1) % Authors];
            await RetryAsync(() => cluster.User(readers[quitter]).UnfollowAsync(followed));
        }));
        ct.ThrowIfCancellationRequested();
    }

    private static async Task RetryAsync(Func<Task> write, bool doneWhenNotFound = false)
    {
        var started = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (NotFoundException) when (doneWhenNotFound && attempt > 1)
            {
                // The first attempt was done before the silo answering it died.
                return;
            }
            catch (Exception e) when (e is not DomainException && started.Elapsed < _writeRetryTimeout)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
    }
}
