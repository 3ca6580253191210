using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Idempotency;

public sealed class IdempotencyKeyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string NewKey() => Guid.NewGuid().ToString();

    [Fact]
    public async Task AnonymousWritesWithKeys_ToUnknownRoutesOrWithoutSignIn_StoreNothing()
    {
        var anonymous = api.CreateClient();
        var before = await api.Factory.IdempotencyKeysAsync();

        // Unknown routes, a write that needs a sign-in, and a method the route does not take: none is a command.
        foreach (var path in new[] { "/api/x", "/api/posts/nothing/here", "/api/users/nobody/unknown" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostJsonAsync(path, new { text = "x" }, Guid.NewGuid().ToString())).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostJsonAsync("/api/posts", new { text = "x" }, Guid.NewGuid().ToString())).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await anonymous.PostJsonAsync("/api/timelines/home", new { }, Guid.NewGuid().ToString())).StatusCode);

        Assert.Equal(before, await api.Factory.IdempotencyKeysAsync());
    }

    [Fact]
    public async Task CreatePost_SameKeyTwice_Returns201WithTheSamePostAndWritesOnce()
    {
        var (client, handle) = await api.SignUpAsync("idem");
        var key = NewKey();

        var first = await client.PostJsonAsync("/api/posts", new { text = "exactly once" }, key);
        var second = await client.PostJsonAsync("/api/posts", new { text = "exactly once" }, key);

        var firstPost = await ApiAssert.JsonAsync(first, HttpStatusCode.Created);
        var secondPost = await ApiAssert.JsonAsync(second, HttpStatusCode.Created);
        var id = ApiAssert.String(firstPost, "id");
        Assert.Equal(id, ApiAssert.String(secondPost, "id"));
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(ApiAssert.String(firstPost, "createdAt"), ApiAssert.String(secondPost, "createdAt"));
        Assert.Equal(1, await api.Factory.EventsAppendedByAsync(handle));
        Assert.Equal(1, await api.Factory.EventsInStreamAsync($"post-{id}"));

        // Without a key the same text is a new post.
        var third = await client.CreatePostIdAsync("exactly once");
        Assert.NotEqual(id, third);
        Assert.Equal(2, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task CreatePost_SameKeyConcurrently_CreatesOnePost()
    {
        var (client, handle) = await api.SignUpAsync("idem");
        var key = NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.PostJsonAsync("/api/posts", new { text = "racing retries" }, key)));

        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            ids.Add(ApiAssert.String(await ApiAssert.JsonAsync(response, HttpStatusCode.Created), "id"));
        }

        Assert.Single(ids);
        Assert.Equal(1, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task CreatePost_SameKeyDifferentBody_Returns400AndWritesNothing()
    {
        var (client, handle) = await api.SignUpAsync("idem");
        var key = NewKey();
        var first = await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/posts", new { text = "original" }, key), HttpStatusCode.Created);

        var reused = await client.PostJsonAsync("/api/posts", new { text = "something else" }, key);

        await ApiAssert.ProblemAsync(reused, HttpStatusCode.BadRequest);
        Assert.Equal(1, await api.Factory.EventsAppendedByAsync(handle));
        Assert.Equal("original", ApiAssert.String(await client.GetPostAsync(ApiAssert.String(first, "id")), "text"));
    }

    [Fact]
    public async Task CreatePost_SameKeyFromAnotherUser_IsIndependent()
    {
        var (alice, aliceHandle) = await api.SignUpAsync("alice");
        var (bob, bobHandle) = await api.SignUpAsync("bob");
        var key = NewKey();

        var fromAlice = await ApiAssert.JsonAsync(await alice.PostJsonAsync("/api/posts", new { text = "same words" }, key), HttpStatusCode.Created);
        var fromBob = await ApiAssert.JsonAsync(await bob.PostJsonAsync("/api/posts", new { text = "same words" }, key), HttpStatusCode.Created);
        var bobsOther = await ApiAssert.JsonAsync(await bob.PostJsonAsync("/api/posts", new { text = "other words" }, NewKey()), HttpStatusCode.Created);

        Assert.NotEqual(ApiAssert.String(fromAlice, "id"), ApiAssert.String(fromBob, "id"));
        ApiAssert.IsPost(fromAlice, aliceHandle, "same words");
        ApiAssert.IsPost(fromBob, bobHandle, "same words");
        ApiAssert.IsPost(bobsOther, bobHandle, "other words");
        Assert.Equal(1, await api.Factory.EventsAppendedByAsync(aliceHandle));
        Assert.Equal(2, await api.Factory.EventsAppendedByAsync(bobHandle));
    }

    [Fact]
    public async Task CreatePost_SameKeyOnAnotherEndpoint_Returns400()
    {
        var (client, _) = await api.SignUpAsync("idem");
        var key = NewKey();
        var postId = ApiAssert.String(await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/posts", new { text = "hi" }, key), HttpStatusCode.Created), "id");

        var comment = await client.PostJsonAsync($"/api/posts/{postId}/comments", new { text = "hi" }, key);

        await ApiAssert.ProblemAsync(comment, HttpStatusCode.BadRequest);
        Assert.Equal(0, ApiAssert.Count(await client.GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task Comment_SameKeyTwice_CreatesOneComment()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (reader, _) = await api.SignUpAsync("reader");
        var postId = await author.CreatePostIdAsync();
        var key = NewKey();

        var first = await reader.PostJsonAsync($"/api/posts/{postId}/comments", new { text = "only once" }, key);
        var second = await reader.PostJsonAsync($"/api/posts/{postId}/comments", new { text = "only once" }, key);

        var firstComment = await ApiAssert.JsonAsync(first, HttpStatusCode.Created);
        var secondComment = await ApiAssert.JsonAsync(second, HttpStatusCode.Created);
        Assert.Equal(ApiAssert.String(firstComment, "id"), ApiAssert.String(secondComment, "id"));
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, ApiAssert.Count(await author.GetPostAsync(postId), "comments"));
    }

    [Fact]
    public async Task DeletePost_SameKeyTwice_Returns204BothTimes()
    {
        var (author, _) = await api.SignUpAsync("author");
        var postId = await author.CreatePostIdAsync();
        var key = NewKey();

        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}", key));
        await ApiAssert.NoContentAsync(await author.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}", key));

        await ApiAssert.ProblemAsync(await author.GetPathAsync($"/api/posts/{postId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Like_SameKeyTwice_Returns204AndCountsOnce()
    {
        var (author, _) = await api.SignUpAsync("author");
        var (fan, _) = await api.SignUpAsync("fan");
        var postId = await author.CreatePostIdAsync();
        var key = NewKey();

        await ApiAssert.NoContentAsync(await fan.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like", key));
        await ApiAssert.NoContentAsync(await fan.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like", key));

        Assert.Equal(1, ApiAssert.Count(await author.GetPostAsync(postId), "likes"));
    }

    [Fact]
    public async Task Register_SameKeyTwice_Returns201BothTimes()
    {
        // Without a key a retried registration would be a 409; with one it gets the first answer back.
        var handle = Handles.Unique("idem");
        var key = NewKey();
        var body = new { handle, displayName = "Retry", password = SocialApiFactory.DefaultPassword };

        var first = await api.CreateClient().PostJsonAsync("/api/users", body, key);
        var second = await api.CreateClient().PostJsonAsync("/api/users", body, key);

        var firstUser = await ApiAssert.JsonAsync(first, HttpStatusCode.Created);
        var secondUser = await ApiAssert.JsonAsync(second, HttpStatusCode.Created);
        Assert.Equal(ApiAssert.String(firstUser, "createdAt"), ApiAssert.String(secondUser, "createdAt"));
        Assert.Equal(1, await api.Factory.EventsInStreamAsync($"user-{handle}"));
    }

    [Fact]
    public async Task Register_SameKeyFromDifferentPeople_IsIndependent()
    {
        // Two people who are not signed in and happen to send the same key (a client library's counter, say) are
        // different callers: the second registration must not be refused because of the first one's key.
        var key = "1";
        var first = Handles.Unique("anon");
        var second = Handles.Unique("anon");

        var firstResponse = await api.CreateClient().PostJsonAsync("/api/users", new { handle = first, displayName = "First", password = "first person's password" }, key);
        var secondResponse = await api.CreateClient().PostJsonAsync("/api/users", new { handle = second, displayName = "Second", password = "second person's password" }, key);

        ApiAssert.IsUser(await ApiAssert.JsonAsync(firstResponse, HttpStatusCode.Created), first);
        ApiAssert.IsUser(await ApiAssert.JsonAsync(secondResponse, HttpStatusCode.Created), second);
    }

    [Fact]
    public async Task CreatePost_KeyLongerThan200Characters_Returns400AndWritesNothing()
    {
        var (client, handle) = await api.SignUpAsync("idem");

        var response = await client.PostJsonAsync("/api/posts", new { text = "long key" }, new string('k', 201));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task CreatePost_RejectedWithKeyThenRetriedWithKey_IsStillRejectedAndWritesNothing()
    {
        var (client, handle) = await api.SignUpAsync("idem");
        var key = NewKey();

        await ApiAssert.ValidationProblemAsync(await client.PostJsonAsync("/api/posts", new { text = "" }, key), "text");
        await ApiAssert.ValidationProblemAsync(await client.PostJsonAsync("/api/posts", new { text = "" }, key), "text");

        Assert.Equal(0, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task CreatePost_WithoutTokenButWithKey_Returns401AndDoesNotUseUpTheKey()
    {
        var (client, handle) = await api.SignUpAsync("idem");
        var key = NewKey();

        await ApiAssert.ProblemAsync(await api.CreateClient().PostJsonAsync("/api/posts", new { text = "anonymous" }, key), HttpStatusCode.Unauthorized);
        var post = await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/posts", new { text = "signed in" }, key), HttpStatusCode.Created);

        ApiAssert.IsPost(post, handle, "signed in");
    }
}
