using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Social.Abstractions.EventStore;
using Social.Abstractions.Idempotency;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Idempotency;

/// <summary>
/// The instance dies between a write's commit and its response: the client gets no answer, and the key's response is
/// never recorded. The retry with the same key must give the first result and leave one effect, also for writes whose
/// repetition would answer differently (a delete again is a 404, a registration again a 409).
/// </summary>
public sealed class LostResponseTests(LostResponseTests.Fixture api) : IClassFixture<LostResponseTests.Fixture>
{
    /// <summary>Keys starting with this lose their response: the connection is cut when the response would be recorded.</summary>
    private const string LostPrefix = "lost-";

    private static string LostKey() => LostPrefix + Guid.NewGuid();

    [Fact]
    public async Task CreatePost_ConnectionLostAfterCommit_RetryReturnsTheSamePostAndOneEvent()
    {
        var (client, handle) = await api.SignUpAsync("lost");
        var key = LostKey();

        await AssertConnectionLostAsync(client.PostJsonAsync("/api/posts", new { text = "said once" }, key));
        var retried = await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/posts", new { text = "said once" }, key), HttpStatusCode.Created);

        var id = ApiAssert.String(retried, "id");
        ApiAssert.IsPost(retried, handle, "said once");
        Assert.Equal(1, await api.Factory.EventsAppendedByAsync(handle));
        Assert.Equal(1, await api.Factory.EventsInStreamAsync($"post-{id}"));
        // The retry's response is recorded now: a third try replays it.
        var third = await client.PostJsonAsync("/api/posts", new { text = "said once" }, key);
        Assert.Equal(id, ApiAssert.String(await ApiAssert.JsonAsync(third, HttpStatusCode.Created), "id"));
    }

    [Fact]
    public async Task DeletePost_ConnectionLostAfterCommit_RetryAnswers204NotA404()
    {
        var (client, _) = await api.SignUpAsync("lost");
        var id = await client.CreatePostIdAsync("soon gone");
        var key = LostKey();

        await AssertConnectionLostAsync(client.SendAsync(HttpMethod.Delete, $"/api/posts/{id}", key));
        var retried = await client.SendAsync(HttpMethod.Delete, $"/api/posts/{id}", key);

        Assert.Equal(HttpStatusCode.NoContent, retried.StatusCode);
        Assert.Equal(2, await api.Factory.EventsInStreamAsync($"post-{id}"));
        await ApiAssert.ProblemAsync(await client.GetPathAsync($"/api/posts/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Comment_ConnectionLostAfterCommit_RetryReturnsTheSameComment()
    {
        var (author, _) = await api.SignUpAsync("lost");
        var (commenter, commenterHandle) = await api.SignUpAsync("lost");
        var id = await author.CreatePostIdAsync("say something");
        var key = LostKey();

        await AssertConnectionLostAsync(commenter.PostJsonAsync($"/api/posts/{id}/comments", new { text = "once" }, key));
        var retried = await ApiAssert.JsonAsync(await commenter.PostJsonAsync($"/api/posts/{id}/comments", new { text = "once" }, key), HttpStatusCode.Created);

        Assert.Equal("once", ApiAssert.String(retried, "text"));
        Assert.Equal(1, await api.Factory.EventsAppendedByAsync(commenterHandle));
        Assert.Equal(2, await api.Factory.EventsInStreamAsync($"post-{id}"));
    }

    [Fact]
    public async Task Register_ConnectionLostAfterCommit_RetryAnswers201NotA409()
    {
        var client = api.CreateClient();
        var handle = Handles.Unique("lost");
        var body = new { handle, displayName = "Lost Once", password = SocialApiFactory.DefaultPassword };
        var key = LostKey();

        await AssertConnectionLostAsync(client.PostJsonAsync("/api/users", body, key));
        var retried = await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/users", body, key), HttpStatusCode.Created);

        Assert.Equal(handle, ApiAssert.String(retried, "handle"));
        Assert.Equal(1, await api.Factory.EventsInStreamAsync($"user-{handle}"));
        // The same registration without the key is what it always was: the handle is taken.
        await ApiAssert.ProblemAsync(await client.PostJsonAsync("/api/users", body), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Like_ResponseCannotBeRecorded_ClientStillGetsTheTrueOutcome()
    {
        var (author, _) = await api.SignUpAsync("lost");
        var (fan, fanHandle) = await api.SignUpAsync("lost");
        var id = await author.CreatePostIdAsync("like me");
        var key = Fixture.UnrecordablePrefix + Guid.NewGuid();

        var liked = await fan.SendAsync(HttpMethod.Put, $"/api/posts/{id}/like", key);
        var retried = await fan.SendAsync(HttpMethod.Put, $"/api/posts/{id}/like", key);

        // The like committed, so its answer is 204, not a 503 that would say nothing changed.
        Assert.Equal(HttpStatusCode.NoContent, liked.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, retried.StatusCode);
        Assert.Equal(1, await api.Factory.EventsAppendedByAsync(fanHandle));
        Assert.Equal(1, (await fan.GetPostAsync(id)).GetProperty("likes").GetInt64());
    }

    private static async Task AssertConnectionLostAsync(Task<HttpResponseMessage> request) =>
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => request);

    public sealed class Fixture(StoresFixture stores) : ApiFixture(stores)
    {
        /// <summary>Keys starting with this cannot have their response recorded: PostgreSQL is "down" for that one write.</summary>
        public const string UnrecordablePrefix = "unrecordable-";

        protected override void ConfigureServices(IServiceCollection services)
        {
            services.AddHttpContextAccessor();
            services.Decorate<IIdempotencyStore>((store, provider) => new LosingStore(store, provider.GetRequiredService<IHttpContextAccessor>()));
        }
    }

    /// <summary>The real store, except that recording a response dies with the instance (or fails) for marked keys.</summary>
    private sealed class LosingStore(IIdempotencyStore inner, IHttpContextAccessor http) : IIdempotencyStore
    {
        private readonly ConcurrentDictionary<string, bool> _lost = new(StringComparer.Ordinal);

        public Task<IdempotencyClaim> ClaimAsync(string caller, string key, string requestFingerprint, string reservedId, CancellationToken cancellationToken = default) =>
            inner.ClaimAsync(caller, key, requestFingerprint, reservedId, cancellationToken);

        public Task CompleteAsync(string caller, string key, StoredResponse response, CancellationToken cancellationToken = default)
        {
            if (key.StartsWith(Fixture.UnrecordablePrefix, StringComparison.Ordinal))
            {
                throw new StoreUnavailableException("PostgreSQL", new IOException("simulated outage while recording the response"));
            }

            // The first attempt of each such key: the instance is gone before the response is recorded or sent.
            if (key.StartsWith(LostPrefix, StringComparison.Ordinal) && _lost.TryAdd(key, true))
            {
                http.HttpContext?.Abort();
                throw new OperationCanceledException("simulated crash between commit and response");
            }

            return inner.CompleteAsync(caller, key, response, cancellationToken);
        }

        public Task<int> ExpireAsync(TimeSpan lifetime, int max, CancellationToken cancellationToken = default) =>
            inner.ExpireAsync(lifetime, max, cancellationToken);
    }
}
