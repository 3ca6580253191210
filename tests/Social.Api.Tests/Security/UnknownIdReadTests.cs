using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Social.Abstractions.EventStore;
using Social.Api.Tests.Support;
using Social.Domain.Ids;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Security;

/// <summary>A host whose event store counts the stream reads that grain activations make.</summary>
public sealed class CountingReadsApiFixture(StoresFixture stores) : ApiFixture(stores)
{
    public CountingEventStore Store => (CountingEventStore)Factory.Services.GetRequiredService<IEventStore>();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Decorate<IEventStore>((inner, _) => new CountingEventStore(inner));
}

/// <summary>
/// Reads of unknown users and posts are answered 404 without activating a grain for them (each activation reads its
/// stream): a scan of ids costs a lookup and leaves nothing behind. Known ones, even a moment old, are served.
/// </summary>
public sealed class UnknownIdReadTests(CountingReadsApiFixture api) : IClassFixture<CountingReadsApiFixture>
{
    [Fact]
    public async Task Reads_OfUnknownUsersAndPosts_Are404_AndActivateNoGrain()
    {
        var client = api.CreateClient();
        var handles = Enumerable.Range(0, 20).Select(_ => Handles.Unique("nobody")).ToList();
        var posts = Enumerable.Range(0, 20).Select(_ => PostId.New(DateTimeOffset.UtcNow)).ToList();

        foreach (var handle in handles)
        {
            foreach (var path in new[] { "", "/posts", "/followers", "/following" })
            {
                await ApiAssert.ProblemAsync(await client.GetPathAsync($"/api/users/{handle}{path}"), HttpStatusCode.NotFound);
            }
        }

        foreach (var post in posts)
        {
            await ApiAssert.ProblemAsync(await client.GetPathAsync($"/api/posts/{post.Value}"), HttpStatusCode.NotFound);
            await ApiAssert.ProblemAsync(await client.GetPathAsync($"/api/posts/{post.Value}/comments"), HttpStatusCode.NotFound);
        }

        Assert.All(handles, handle => Assert.Equal(0, api.Store.ReadsOf(new UserId(handle).StreamId)));
        Assert.All(posts, post => Assert.Equal(0, api.Store.ReadsOf(post.StreamId)));
    }

    [Fact]
    public async Task Reads_OfAUserAndPostJustMade_AreServed_BeforeTheirProjectionsRun()
    {
        var (author, handle) = await api.SignUpAsync("fresh");
        var post = await author.CreatePostIdAsync("just now");

        await author.GetUserAsync(handle);
        await author.GetPostAsync(post);
        await ApiAssert.JsonAsync(await author.GetPathAsync($"/api/posts/{post}/comments"), HttpStatusCode.OK);
    }
}
