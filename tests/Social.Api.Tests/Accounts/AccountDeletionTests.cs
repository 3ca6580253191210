using System.Net;
using System.Text.Json;
using Npgsql;
using Social.Api.Tests.Admin;
using Social.Api.Tests.Notifications;
using Social.Api.Tests.Support;
using StackExchange.Redis;
using Xunit;

namespace Social.Api.Tests.Accounts;

/// <summary>
/// API.md, "Account security": <c>DELETE /api/users/me</c>. The host has a Redis of its own, so that "no Redis value
/// holds the user's data" is a statement about everything there, and a rebuild in one test drops nobody else's data.
/// </summary>
public sealed class AccountDeletionTests(RebuildingApiFixture api) : IClassFixture<RebuildingApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Delete_WrongPassword_Is403AndChangesNothing()
    {
        var (client, handle) = await api.SignUpAsync("keeper");
        var events = await api.Factory.EventsInStreamAsync($"user-{handle}");

        await ApiAssert.ProblemAsync(await client.DeleteAccountAsync("not the password"), HttpStatusCode.Forbidden);
        await ApiAssert.ValidationProblemAsync(await client.SendRawAsync(HttpMethod.Delete, "/api/users/me", "{}"), "password");

        Assert.Equal(events, await api.Factory.EventsInStreamAsync($"user-{handle}"));
        await client.GetUserAsync(handle);
        await ApiAssert.JsonAsync(await client.ReadHomeAsync(), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Delete_HandleAnswers404AndStaysReserved_TokensAndPasswordRefused()
    {
        var (client, handle) = await api.SignUpAsync("gone");

        await ApiAssert.NoContentAsync(await client.DeleteAccountAsync(SocialApiFactory.DefaultPassword));

        var anonymous = api.CreateClient();
        await ApiAssert.ProblemAsync(await anonymous.GetPathAsync($"/api/users/{handle}"), HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await anonymous.GetPathAsync($"/api/users/{handle}/posts"), HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await anonymous.PostJsonAsync("/api/users",
            new { handle, displayName = "Someone else", password = SocialApiFactory.DefaultPassword }), HttpStatusCode.Conflict);
        await ApiAssert.ProblemAsync(await anonymous.SignInAsync(handle, SocialApiFactory.DefaultPassword), HttpStatusCode.Unauthorized);
        await ApiAssert.ProblemAsync(await client.ReadHomeAsync(), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Delete_PostsCommentsLikesAndFollowsLeaveEveryListAndCount()
    {
        var (leaver, leaverHandle) = await api.SignUpAsync("leaver");
        var (friend, friendHandle) = await api.SignUpAsync("friend");
        var (author, authorHandle) = await api.SignUpAsync("author");
        await ApiAssert.NoContentAsync(await friend.SendAsync(HttpMethod.Put, $"/api/users/me/following/{leaverHandle}"));
        await ApiAssert.NoContentAsync(await leaver.SendAsync(HttpMethod.Put, $"/api/users/me/following/{authorHandle}"));
        var leaversPost = await leaver.CreatePostIdAsync("the leaver's post");
        var authorsPost = await author.CreatePostIdAsync("the author's post");
        await leaver.CommentAsync(authorsPost, "the leaver's comment");
        await friend.CommentAsync(leaversPost, "the friend's comment on the leaver's post");
        await ApiAssert.NoContentAsync(await leaver.SendAsync(HttpMethod.Put, $"/api/posts/{authorsPost}/like"));
        await EventuallyAsync(async () => (await friend.HomeTimelineAsync()).Any(p => ApiAssert.String(p, "id") == leaversPost)
            && Counts(await friend.GetPostAsync(authorsPost)) == (1, 1)
            && ApiAssert.Count(await friend.GetUserAsync(authorHandle), "followers") == 1, "the projections to show the leaver's activity");

        await ApiAssert.NoContentAsync(await leaver.DeleteAccountAsync(SocialApiFactory.DefaultPassword));

        await EventuallyAsync(async () =>
            (await friend.GetPathAsync($"/api/posts/{leaversPost}")).StatusCode == HttpStatusCode.NotFound
            && !(await friend.HomeTimelineAsync()).Any(p => ApiAssert.String(p, "id") == leaversPost)
            && Counts(await friend.GetPostAsync(authorsPost)) == (0, 0)
            && (await friend.AllPagesAsync($"/api/posts/{authorsPost}/comments")).Count == 0
            && ApiAssert.Count(await friend.GetUserAsync(authorHandle), "followers") == 0
            && (await friend.AllPagesAsync($"/api/users/{authorHandle}/followers")).Count == 0
            && ApiAssert.Count(await friend.GetUserAsync(friendHandle), "following") == 0
            && (await friend.AllPagesAsync($"/api/users/{friendHandle}/following")).Count == 0,
            "the leaver's posts, comment, like and follows to leave every list and count");
    }

    [Fact]
    public async Task Delete_TheNotificationsTheAccountCausedDisappear()
    {
        var (leaver, leaverHandle) = await api.SignUpAsync("leaver");
        var (author, authorHandle) = await api.SignUpAsync("author");
        var authorsPost = await author.CreatePostIdAsync("the author's post");
        await ApiAssert.NoContentAsync(await leaver.SendAsync(HttpMethod.Put, $"/api/users/me/following/{authorHandle}"));
        await ApiAssert.NoContentAsync(await leaver.SendAsync(HttpMethod.Put, $"/api/posts/{authorsPost}/like"));
        await leaver.CommentAsync(authorsPost, "the leaver's comment");
        await leaver.CreatePostIdAsync($"hello @{authorHandle}");
        var caused = await author.NotificationsWhenAsync(items => items.Count == 4, "the leaver's follow, like, comment and mention notified");
        Assert.All(caused, notification => Assert.Equal(leaverHandle, notification.Actor()));

        await ApiAssert.NoContentAsync(await leaver.DeleteAccountAsync(SocialApiFactory.DefaultPassword));

        await author.NotificationsWhenAsync(items => items.Count == 0, "the notifications the leaver caused to disappear");
        Assert.Equal(0, await author.UnreadAsync());
    }

    [Fact]
    public async Task Delete_NoStoreHoldsThePersonalData_NotEvenTheEventStore_AndARebuildKeepsItSo()
    {
        var marker = Guid.NewGuid().ToString("N");
        var handle = Handles.Unique("erased");
        var anonymous = api.CreateClient();
        // Registered with an Idempotency-Key: its recorded response (the profile) is personal data too.
        await ApiAssert.JsonAsync(await anonymous.PostJsonAsync("/api/users",
            new { handle, displayName = $"Name {marker}", password = SocialApiFactory.DefaultPassword }, idempotencyKey: Guid.NewGuid().ToString()), HttpStatusCode.Created);
        var leaver = await SocialApiFactory.SignInAsync(api.CreateClient(), handle);
        var (author, _) = await api.SignUpAsync("host");
        await ApiAssert.JsonAsync(await leaver.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { bio = $"Bio {marker}" }), HttpStatusCode.OK);
        await ApiAssert.JsonAsync(await leaver.PostJsonAsync("/api/posts", new { text = $"Post {marker}" }, idempotencyKey: Guid.NewGuid().ToString()), HttpStatusCode.Created);
        var authorsPost = await author.CreatePostIdAsync("a post to comment on");
        await leaver.CommentAsync(authorsPost, $"Comment {marker}");
        await ApiAssert.NoContentAsync(await leaver.ChangePasswordAsync(SocialApiFactory.DefaultPassword, $"Password {marker}"));
        leaver = await SocialApiFactory.SignInAsync(api.CreateClient(), handle, $"Password {marker}");
        var hashes = await PasswordHashesAsync(handle);
        Assert.Equal(2, hashes.Count);
        await EventuallyAsync(async () => (await RedisTextAsync()).Contains($"Comment {marker}", StringComparison.Ordinal), "the comment to reach Redis");

        await ApiAssert.NoContentAsync(await leaver.DeleteAccountAsync($"Password {marker}"));

        string[] secrets = [marker, .. hashes];
        string? held = null;
        await EventuallyAsync(async () => (held = await WhereHeldAsync(secrets)) is null, "the personal data to leave PostgreSQL and Redis", () => held);
        Assert.True(await api.Factory.EventsInStreamAsync($"user-{handle}") > 0, "the user's stream keeps its history");

        await api.RebuildReadModelsAsync();
        Assert.Null(await WhereHeldAsync(secrets));
        await ApiAssert.ProblemAsync(await anonymous.GetPathAsync($"/api/users/{handle}"), HttpStatusCode.NotFound);
        await EventuallyAsync(async () => Counts(await author.GetPostAsync(authorsPost)) == (0, 0), "the rebuilt post's count to leave out the erased comment");
    }

    private static (long Comments, long Likes) Counts(JsonElement post) => (ApiAssert.Count(post, "comments"), ApiAssert.Count(post, "likes"));

    // Where any of the secrets is still found, or null.
    private async Task<string?> WhereHeldAsync(IReadOnlyList<string> secrets)
    {
        var redis = await RedisTextAsync();
        var inRedis = redis.Split('\n').Where(line => secrets.Any(secret => line.Contains(secret, StringComparison.Ordinal))).ToList();
        var inPostgres = await PostgresRowsHoldingAsync(secrets);
        return inRedis.Count + inPostgres.Count == 0 ? null : $"Redis: [{string.Join("; ", inRedis)}] PostgreSQL: [{string.Join("; ", inPostgres)}]";
    }

    private async Task<List<string>> PostgresRowsHoldingAsync(IReadOnlyList<string> secrets)
    {
        await using var connection = new NpgsqlConnection(api.Factory.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("""
            SELECT event_type || ' ' || data::text FROM events WHERE data::text LIKE ANY($1) OR metadata::text LIKE ANY($1)
            UNION ALL
            SELECT 'idempotency ' || response_body FROM idempotency_keys WHERE coalesce(response_body, '') LIKE ANY($1)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. secrets.Select(s => $"%{s}%")] });
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private async Task<List<string>> PasswordHashesAsync(string handle)
    {
        await using var connection = new NpgsqlConnection(api.Factory.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT data->>'passwordHash' FROM events WHERE stream_id = $1 AND data ? 'passwordHash'", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"user-{handle}" });
        var hashes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            hashes.Add(reader.GetString(0));
        }

        return hashes;
    }

    // Every value of every key, as text: strings, hashes, lists, sets and sorted sets.
    private async Task<string> RedisTextAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(api.RedisConnectionString);
        var db = redis.GetDatabase();
        var text = new System.Text.StringBuilder();
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: "*", pageSize: 1000))
        {
            text.Append(key).Append('\n');
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.String: text.Append(await db.StringGetAsync(key)); break;
                case RedisType.Hash: text.AppendJoin('\n', (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}")); break;
                case RedisType.List: text.AppendJoin('\n', await db.ListRangeAsync(key)); break;
                case RedisType.Set: text.AppendJoin('\n', await db.SetMembersAsync(key)); break;
                case RedisType.SortedSet: text.AppendJoin('\n', await db.SortedSetRangeByRankAsync(key)); break;
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, Func<string?>? lastSeen = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}. {lastSeen?.Invoke()}");
            await Task.Delay(100, Ct);
        }
    }
}
