using System.Net;
using System.Net.Http.Headers;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Posts;

/// <summary>The whole write path as a client walks it, every step checked against API.md.</summary>
public sealed class PostLifecycleTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Password = "a long enough password";

    [Fact]
    public async Task Lifecycle_RegisterToDelete_EveryStepAsDocumented()
    {
        var aliceHandle = Handles.Unique("alice");
        var bobHandle = Handles.Unique("bob");
        var alice = api.CreateClient();
        var bob = api.CreateClient();

        // Register both.
        var registered = await alice.PostJsonAsync("/api/users", new { handle = aliceHandle, displayName = "Alice", password = Password });
        ApiAssert.IsUser(await ApiAssert.JsonAsync(registered, HttpStatusCode.Created), aliceHandle);
        Assert.Equal($"/api/users/{aliceHandle}", registered.Headers.Location?.OriginalString);
        await ApiAssert.JsonAsync(await bob.PostJsonAsync("/api/users", new { handle = bobHandle, displayName = "Bob", password = Password }), HttpStatusCode.Created);

        // Sign in.
        alice.DefaultRequestHeaders.Authorization = await SignInAsync(alice, aliceHandle);
        bob.DefaultRequestHeaders.Authorization = await SignInAsync(bob, bobHandle);

        // Alice follows Bob.
        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Put, $"/api/users/me/following/{bobHandle}"));
        Assert.Equal(1, ApiAssert.Count(await alice.GetUserAsync(aliceHandle), "following"));

        // Bob posts.
        var created = await bob.PostJsonAsync("/api/posts", new { text = "My first post" });
        var post = await ApiAssert.JsonAsync(created, HttpStatusCode.Created);
        ApiAssert.IsPost(post, bobHandle, "My first post");
        var postId = ApiAssert.String(post, "id");
        Assert.Equal($"/api/posts/{postId}", created.Headers.Location?.OriginalString);
        Assert.Equal("Bob", ApiAssert.String(ApiAssert.Property(post, "author"), "displayName"));

        // Alice comments.
        var commented = await alice.PostJsonAsync($"/api/posts/{postId}/comments", new { text = "Welcome!" });
        var comment = await ApiAssert.JsonAsync(commented, HttpStatusCode.Created);
        ApiAssert.IsComment(comment, postId, aliceHandle, "Welcome!");
        var commentId = ApiAssert.String(comment, "id");
        Assert.Equal($"/api/posts/{postId}/comments/{commentId}", commented.Headers.Location?.OriginalString);
        Assert.Equal(1, ApiAssert.Count(await alice.GetPostAsync(postId), "comments"));

        // Alice likes, then unlikes.
        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"));
        Assert.Equal(1, ApiAssert.Count(await alice.GetPostAsync(postId), "likes"));
        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/like"));
        Assert.Equal(0, ApiAssert.Count(await alice.GetPostAsync(postId), "likes"));

        // Alice deletes her comment.
        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}/comments/{commentId}"));
        var afterComment = await alice.GetPostAsync(postId);
        Assert.Equal(0, ApiAssert.Count(afterComment, "comments"));
        Assert.Equal("My first post", ApiAssert.String(afterComment, "text"));

        // Bob deletes the post; it is gone for everyone.
        await ApiAssert.NoContentAsync(await bob.SendAsync(HttpMethod.Delete, $"/api/posts/{postId}"));
        await ApiAssert.ProblemAsync(await alice.GetPathAsync($"/api/posts/{postId}"), HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await api.CreateClient().GetPathAsync($"/api/posts/{postId}"), HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await alice.SendAsync(HttpMethod.Put, $"/api/posts/{postId}/like"), HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(await alice.PostJsonAsync($"/api/posts/{postId}/comments", new { text = "hello?" }), HttpStatusCode.NotFound);

        // Alice unfollows Bob.
        await ApiAssert.NoContentAsync(await alice.SendAsync(HttpMethod.Delete, $"/api/users/me/following/{bobHandle}"));
        Assert.Equal(0, ApiAssert.Count(await alice.GetUserAsync(aliceHandle), "following"));
    }

    private static async Task<AuthenticationHeaderValue> SignInAsync(HttpClient client, string handle)
    {
        var token = await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/auth/token", new { handle, password = Password }), HttpStatusCode.OK);
        Assert.True(ApiAssert.Count(token, "expiresIn") > 0);
        return new AuthenticationHeaderValue("Bearer", ApiAssert.String(token, "accessToken"));
    }
}
