using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Npgsql;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Operations;

/// <summary>
/// Three real Social.Api processes form one cluster over one database and one Redis. Writes and connected clients
/// are spread over all three; one process is killed (SIGKILL) mid-stream. Every acknowledged write must be in the
/// event store and in every timeline it belongs to, the survivors must keep serving, and a client of the dead
/// instance must resume on a survivor without gaps. Then a survivor is stopped gracefully (SIGTERM) and must leave
/// the cluster cleanly.
/// </summary>
public sealed class ClusterKillTests(StoresFixture stores)
{
    private const int Authors = 3;
    private const int Readers = 3;
    private const int Killed = 2;
    private static readonly TimeSpan WritesBeforeKill = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan WritesAfterKill = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeProcesses_OneKilledMidStream_AcknowledgedWritesSurviveAndClientsResume_ThenAGracefulStopLeavesCleanly()
    {
        var database = await stores.Postgres.CreateDatabaseAsync("cluster");
        var clusterId = $"kill-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["ConnectionStrings__Redis"] = stores.Redis.ConnectionString,
            ["Social__Jwt__SigningKey"] = SocialApiFactory.SigningKey,
            ["Social__Cluster__ClusterId"] = clusterId,
            ["Social__RateLimit__WritesPerWindow"] = "100000",
        };
        var hosts = new List<HostProcess>();
        try
        {
            var output = TestContext.Current.TestOutputHelper;
            for (var i = 0; i < 3; i++)
            {
                var instance = i;
                // The first line of each log entry (warnings and up), without the stack traces of the failover's errors.
                hosts.Add(await HostProcess.StartAsync(settings, line =>
                {
                    if (!char.IsWhiteSpace(line[0]))
                    {
                        output?.WriteLine($"[instance {instance}] {line}");
                    }
                }, Ct));
            }

            await RunAsync(hosts, database, clusterId);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static async Task RunAsync(List<HostProcess> hosts, string database, string clusterId)
    {
        var output = TestContext.Current.TestOutputHelper;
        var first = Client(hosts[0]);
        var authors = new List<string>();
        var readers = new List<string>();
        var tokens = new Dictionary<string, string>();
        foreach (var (prefix, list, count) in new[] { ("author", authors, Authors), ("reader", readers, Readers) })
        {
            for (var i = 0; i < count; i++)
            {
                var handle = Handles.Unique(prefix);
                var client = await SocialApiFactory.SignUpAsync(Client(hosts[0]), handle);
                tokens[handle] = client.DefaultRequestHeaders.Authorization!.Parameter!;
                list.Add(handle);
            }
        }

        foreach (var reader in readers)
        {
            foreach (var author in authors)
            {
                await ApiAssert.NoContentAsync(await Client(hosts[0], tokens[reader]).SendAsync(HttpMethod.Put, $"/api/users/me/following/{author}"));
            }
        }

        await EventuallyAsync(async () => (await FollowersAsync(first, authors)).All(f => f.SetEquals(readers)), "follows projected");

        // Reader i is connected to instance i (the last one is killed), with its first page.
        var feeds = new FeedClient?[Readers];
        var views = new TimelineView[Readers];
        for (var i = 0; i < Readers; i++)
        {
            views[i] = new TimelineView();
            feeds[i] = await FeedClient.ConnectAsync(Client(hosts[i], tokens[readers[i]]));
            views[i].AddPage(await Client(hosts[i], tokens[readers[i]]).HomeTimelineAsync());
        }

        // Writes: author k through instance j, round robin, one every 20 ms; only a 201 counts as acknowledged.
        var acknowledged = new List<(string Id, string Author, bool AfterKill, TimeSpan At)>();
        var refused = 0;
        var killedAt = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        async Task WriteAsync(int i)
        {
            var author = authors[i % Authors];
            var host = hosts[(i / Authors) % hosts.Count];
            var afterKill = killedAt > TimeSpan.Zero;
            try
            {
                var response = await Client(host, tokens[author]).PostJsonAsync("/api/posts", new { text = $"write {i}" });
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var id = ApiAssert.String(await ApiAssert.JsonAsync(response, HttpStatusCode.Created), "id");
                    lock (acknowledged)
                    {
                        acknowledged.Add((id, author, afterKill, clock.Elapsed));
                    }

                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            Interlocked.Increment(ref refused);
        }

        // Each write on its own, every 20 ms: one that hangs on the dead silo holds up no other.
        var writing = Task.Run(async () =>
        {
            var writes = new List<Task>();
            for (var i = 0; clock.Elapsed < WritesBeforeKill + WritesAfterKill; i++)
            {
                writes.Add(WriteAsync(i));
                await Task.Delay(20);
            }

            await Task.WhenAll(writes);
        });

        await Task.Delay(WritesBeforeKill, Ct);
        await hosts[Killed].KillAsync();
        killedAt = clock.Elapsed;
        output?.WriteLine($"Killed instance {Killed} (SIGKILL) at {killedAt.TotalSeconds:0.0} s.");

        // Its client notices, reconnects to a survivor and fills the gap from the newest post it holds.
        var dead = feeds[Killed]!;
        await dead.Closed.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        views[Killed].Apply(dead.Messages);
        await dead.DisposeAsync();
        var resumeOn = Client(hosts[0], tokens[readers[Killed]]);
        feeds[Killed] = await ReconnectAsync(resumeOn);
        views[Killed].AddPage(await resumeOn.HomeTimelineAsync(views[Killed].NewestId));

        await writing;
        var acked = acknowledged.ToList();
        var writesEnded = clock.Elapsed;
        Assert.Contains(acked, a => a.AfterKill);
        output?.WriteLine($"Writes: {acked.Count} acknowledged ({acked.Count(a => a.AfterKill)} sent after the kill, the first acknowledged " +
            $"{(acked.Where(a => a.AfterKill).Min(a => a.At) - killedAt).TotalSeconds:0.0} s after it), {refused} refused or lost in flight (a third went to the dead instance).");

        // 1. Every acknowledged write is in the event store.
        var stored = await PostsInEventStoreAsync(database);
        Assert.Empty(acked.Select(a => a.Id).Except(stored));

        // 2. And in every timeline it belongs to: each reader's home timeline and its author's, read from a survivor.
        var survivor = Client(hosts[0]);
        var entries = 0;
        await EventuallyAsync(async () =>
        {
            entries = 0;
            foreach (var reader in readers)
            {
                var home = (await Client(hosts[0], tokens[reader]).HomeTimelineAsync()).Select(p => p.GetProperty("id").GetString()!).ToHashSet();
                if (acked.Any(a => !home.Contains(a.Id)))
                {
                    return false;
                }

                entries += acked.Count;
            }

            foreach (var author in authors)
            {
                var own = await AuthorPostsAsync(survivor, author);
                if (acked.Where(a => a.Author == author).Any(a => !own.Contains(a.Id)))
                {
                    return false;
                }

                entries += acked.Count(a => a.Author == author);
            }

            return true;
        }, "every acknowledged post in every timeline");
        output?.WriteLine($"Checked {entries} timeline entries ({Readers} home timelines, {Authors} author timelines): all present " +
            $"{(clock.Elapsed - killedAt).TotalSeconds:0.0} s after the kill, {(clock.Elapsed - writesEnded).TotalSeconds:0.0} s after the last write.");

        // 3. Every client's view (first page, pushes, and for the resumed one its since= page) becomes the server's
        // timeline: the posts it lacks arrive as pushes.
        for (var i = 0; i < Readers; i++)
        {
            var (view, feed, token) = (views[i], feeds[i]!, tokens[readers[i]]);
            await EventuallyAsync(async () =>
            {
                view.Apply(feed.Messages);
                var server = (await Client(hosts[0], token).HomeTimelineAsync()).Select(p => p.GetProperty("id").GetString()!);
                return server.SequenceEqual(view.IdsNewestFirst);
            }, $"{readers[i]}'s client view equals its timeline");
        }

        // 4. The survivors serve.
        foreach (var host in hosts.Take(2))
        {
            Assert.Equal(HttpStatusCode.OK, (await Client(host).GetPathAsync("/health/ready")).StatusCode);
        }

        // 5. A graceful stop: SIGTERM, a clean exit within the shutdown timeout, and the silo marked dead by itself.
        var stopped = hosts[1];
        var stopping = Stopwatch.StartNew();
        var exit = await stopped.StopAsync(TimeSpan.FromSeconds(45));
        Assert.Equal(0, exit);
        output?.WriteLine($"SIGTERM: instance 1 exited with 0 after {stopping.Elapsed.TotalSeconds:0.0} s and is Dead in the membership table.");
        Assert.Equal(6, await MembershipStatusAsync(database, clusterId, stopped.SiloPort)); // SiloStatus.Dead
        var last = await Client(hosts[0], tokens[authors[0]]).CreatePostIdAsync("after the graceful stop");
        await EventuallyAsync(async () => (await Client(hosts[0], tokens[readers[0]]).HomeTimelineAsync()).Any(p => p.GetProperty("id").GetString() == last),
            "a post after the graceful stop reaches a timeline");

        foreach (var feed in feeds)
        {
            await feed!.DisposeAsync();
        }
    }

    // As the apps do: retry with a pause while the survivor answers 503 (its calls to grains of the dead silo fail until
    // the silo is declared dead).
    private static async Task<FeedClient> ReconnectAsync(HttpClient api)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await FeedClient.ConnectAsync(api);
            }
            catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.ServiceUnavailable && watch.Elapsed < Recovery)
            {
                await Task.Delay(500, Ct);
            }
        }
    }

    private static HttpClient Client(HostProcess host, string? token = null)
    {
        var client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(10) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static async Task<List<HashSet<string>>> FollowersAsync(HttpClient client, IEnumerable<string> authors)
    {
        var result = new List<HashSet<string>>();
        foreach (var author in authors)
        {
            var page = await ApiAssert.JsonAsync(await client.GetPathAsync($"/api/users/{author}/followers?limit=100"), HttpStatusCode.OK);
            result.Add([.. page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("handle").GetString()!)]);
        }

        return result;
    }

    private static async Task<HashSet<string>> AuthorPostsAsync(HttpClient client, string author) =>
        [.. (await client.AllPagesAsync($"/api/users/{author}/posts")).Select(p => p.GetProperty("id").GetString()!)];

    private static async Task<HashSet<string>> PostsInEventStoreAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT substr(stream_id, 6) FROM events WHERE event_type = 'V1.PostCreated'", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var ids = new HashSet<string>();
        while (await reader.ReadAsync(Ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<int> MembershipStatusAsync(string database, string clusterId, int siloPort)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT status FROM orleans_membership WHERE deployment_id = $1 AND port = $2 ORDER BY generation DESC LIMIT 1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = clusterId });
        command.Parameters.Add(new NpgsqlParameter { Value = siloPort });
        return (int)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < Recovery, $"not within {Recovery.TotalSeconds} s: {what}");
            await Task.Delay(250, Ct);
        }
    }
}
