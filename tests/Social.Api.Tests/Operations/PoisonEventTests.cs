using System.Net;
using System.Text.Json;
using Npgsql;
using Social.Api.Tests.Support;
using Social.Domain.Ids;
using Social.Streaming;
using Xunit;

namespace Social.Api.Tests.Operations;

/// <summary>
/// A poison event (one its projection can never apply) is parked after its retries, visible in the admin API, while
/// its queue's other streams keep flowing; once the cause is fixed, a re-drive applies it.
/// </summary>
public sealed class PoisonEventTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    // The host's default number of event-store queues (EventStoreStreamOptions.QueueCount).
    private const int Queues = 8;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PoisonEvent_IsParkedAfterItsRetries_ItsQueueFlows_AndARedriveAppliesItOnceFixed()
    {
        var (author, handle) = await api.SignUpAsync("poisoned");
        var admin = await api.AdminAsync();
        var poison = PostIdInQueue(0);
        // A post's first event whose payload lacks every field but its id: no projection can read it.
        await ExecuteAsync("INSERT INTO events (stream_id, version, event_id, event_type, data) VALUES ($1, 1, gen_random_uuid(), 'V1.PostCreated', $2::jsonb)",
            $"post-{poison}", JsonSerializer.Serialize(new { postId = poison }));

        // Posts made after it, until one is in the poison's queue: they reach the read models all the same.
        var sameQueue = await PostUntilOneIsInQueueAsync(author, 0);
        await EventuallyAsync(async () => (await author.AllPagesAsync($"/api/users/{handle}/posts")).Any(p => ApiAssert.String(p, "id") == sameQueue),
            "a later post of the poison's queue to reach its author's timeline");
        var parked = await EventuallyParkedAsync(admin, $"post-{poison}");
        Assert.Equal(1, parked.GetProperty("version").GetInt64());
        Assert.Equal("V1.PostCreated", parked.GetProperty("eventType").GetString());
        Assert.True(parked.GetProperty("attempts").GetInt32() >= 5);
        Assert.False(string.IsNullOrEmpty(parked.GetProperty("error").GetString()));

        // Re-driven while still broken: parked again. Fixed (here by hand; in life by a deploy): applied.
        var again = await ApiAssert.JsonAsync(await admin.SendAsync(HttpMethod.Post, $"/api/admin/projections/parked/post-{poison}/redrive"), HttpStatusCode.OK);
        Assert.False(again.GetProperty("caughtUp").GetBoolean());
        await ExecuteAsync("UPDATE events SET data = $2::jsonb WHERE stream_id = $1",
            $"post-{poison}", JsonSerializer.Serialize(new { postId = poison, authorId = handle, text = "healed", at = DateTimeOffset.UtcNow }));
        var healed = await ApiAssert.JsonAsync(await admin.SendAsync(HttpMethod.Post, $"/api/admin/projections/parked/post-{poison}/redrive"), HttpStatusCode.OK);

        Assert.True(healed.GetProperty("caughtUp").GetBoolean());
        Assert.Contains((await author.AllPagesAsync($"/api/users/{handle}/posts")).Select(p => ApiAssert.String(p, "id")), id => id == poison);
        Assert.DoesNotContain((await ParkedAsync(admin)).Select(p => p.GetProperty("streamId").GetString()), id => id == $"post-{poison}");
    }

    [Fact]
    public async Task Redrive_StreamThatIsNotParked_Is404()
    {
        var admin = await api.AdminAsync();

        await ApiAssert.ProblemAsync(await admin.SendAsync(HttpMethod.Post, "/api/admin/projections/parked/post-nothing/redrive"), HttpStatusCode.NotFound);
    }

    private static string PostIdInQueue(int queue)
    {
        while (true)
        {
            var id = PostId.New(DateTimeOffset.UtcNow).Value;
            if (PartitionReader.PartitionOf($"post-{id}", Queues) == queue)
            {
                return id;
            }
        }
    }

    private static async Task<string> PostUntilOneIsInQueueAsync(HttpClient author, int queue)
    {
        for (var i = 0; i < 100; i++)
        {
            var id = await author.CreatePostIdAsync($"after the poison {i}");
            if (PartitionReader.PartitionOf($"post-{id}", Queues) == queue)
            {
                return id;
            }
        }

        throw new InvalidOperationException("No post of 100 landed in the queue.");
    }

    private static async Task<JsonElement> EventuallyParkedAsync(HttpClient admin, string streamId)
    {
        JsonElement? found = null;
        await EventuallyAsync(async () => (found = (await ParkedAsync(admin)).FirstOrDefault(p => p.GetProperty("streamId").GetString() == streamId)) is { ValueKind: JsonValueKind.Object },
            $"{streamId} to be parked");
        return found!.Value;
    }

    private static async Task<List<JsonElement>> ParkedAsync(HttpClient admin) =>
        [.. (await ApiAssert.JsonAsync(await admin.GetPathAsync("/api/admin/projections/parked"), HttpStatusCode.OK)).EnumerateArray()];

    private async Task ExecuteAsync(string sql, params string[] values)
    {
        await using var connection = new NpgsqlConnection(api.Factory.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        }

        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(200, Ct);
        }
    }
}
