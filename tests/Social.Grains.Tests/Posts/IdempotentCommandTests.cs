using Social.Domain.Errors;
using Social.Grains.Tests.TestHost;
using Xunit;

namespace Social.Grains.Tests.Posts;

/// <summary>Post and comment ids are chosen by the caller, so a retried command reaches the same state and appends nothing.</summary>
public sealed class IdempotentCommandTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private GrainCluster Cluster => fixture.Cluster;

    private EventStoreDatabase Database => fixture.Database;

    [Fact]
    public async Task CreateAsync_RepeatedWithSameAuthorAndText_ReturnsSamePostAndAppendsOneEvent()
    {
        var author = (await Cluster.RegisterAsync(1))[0];
        var post = Ids.NewPost();

        var first = await Cluster.Post(post).CreateAsync(author, "Hello");
        var second = await Cluster.Post(post).CreateAsync(author, "Hello");

        Assert.Equal(first, second);
        Assert.Equal(post.Value, first.Id);
        Assert.Equal(["V1.PostCreated"], await Database.TypesAsync(post.StreamId));
    }

    [Fact]
    public async Task CreateAsync_RepeatedAfterReactivation_ReturnsSamePostAndAppendsNothing()
    {
        var author = (await Cluster.RegisterAsync(1))[0];
        var post = Ids.NewPost();
        var first = await Cluster.Post(post).CreateAsync(author, "Hello again");

        await Cluster.DeactivateAsync(Cluster.Post(post));
        var second = await Cluster.Post(post).CreateAsync(author, "Hello again");

        Assert.Equal(first, second);
        Assert.Equal(["V1.PostCreated"], await Database.TypesAsync(post.StreamId));
    }

    [Fact]
    public async Task CreateAsync_RepeatedWithTextThatNormalizesTheSame_AppendsOneEvent()
    {
        var author = (await Cluster.RegisterAsync(1))[0];
        var post = Ids.NewPost();

        // Normalized to NFC and trimmed, the two are the same text.
        var first = await Cluster.Post(post).CreateAsync(author, "Cafe\u0301, line one\nline two");
        var second = await Cluster.Post(post).CreateAsync(author, "  Caf\u00E9, line one\nline two\n ");

        Assert.Equal(first, second);
        Assert.Single(await Database.ReadAsync(post.StreamId));
    }

    [Fact]
    public async Task AddCommentAsync_RepeatedWithSameId_ReturnsSameCommentAndAppendsOneEvent()
    {
        var users = await Cluster.RegisterAsync(2);
        var post = Ids.NewPost();
        var comment = Ids.NewComment();
        await Cluster.Post(post).CreateAsync(users[0], "Post");

        var first = await Cluster.Post(post).AddCommentAsync(comment, users[1], "A comment");
        var second = await Cluster.Post(post).AddCommentAsync(comment, users[1], "A comment");
        await Cluster.DeactivateAsync(Cluster.Post(post));
        var third = await Cluster.Post(post).AddCommentAsync(comment, users[1], "A comment");

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Equal(["V1.PostCreated", "V1.CommentAdded"], await Database.TypesAsync(post.StreamId));
        Assert.Equal(1, (await Cluster.Post(post).GetAsync()).Comments);
    }

    [Fact]
    public async Task LikeAndUnlike_Repeated_AppendOneEventEach()
    {
        var users = await Cluster.RegisterAsync(2);
        var post = Ids.NewPost();
        await Cluster.Post(post).CreateAsync(users[0], "Post");

        await Cluster.Post(post).LikeAsync(users[1]);
        await Cluster.Post(post).LikeAsync(users[1]);
        await Cluster.Post(post).UnlikeAsync(users[1]);
        await Cluster.Post(post).UnlikeAsync(users[1]);

        Assert.Equal(["V1.PostCreated", "V1.PostLiked", "V1.PostUnliked"], await Database.TypesAsync(post.StreamId));
    }

    [Fact]
    public async Task CreateAsync_SameIdWithOtherText_ThrowsConflictAndAppendsNothing()
    {
        var author = (await Cluster.RegisterAsync(1))[0];
        var post = Ids.NewPost();
        await Cluster.Post(post).CreateAsync(author, "Original");

        await Assert.ThrowsAsync<ConflictException>(() => Cluster.Post(post).CreateAsync(author, "Something else"));

        Assert.Equal("Original", (await Cluster.Post(post).GetAsync()).Text);
        Assert.Single(await Database.ReadAsync(post.StreamId));
    }
}
