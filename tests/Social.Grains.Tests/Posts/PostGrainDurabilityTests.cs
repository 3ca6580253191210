using Social.Abstractions.EventStore;
using Social.Abstractions.Posts;
using Social.Domain.Events;
using Social.Domain.Posts;
using Social.Domain.Errors;
using Social.Domain.Ids;
using Social.Grains.Tests.TestHost;
using Social.Testing;
using Xunit;

namespace Social.Grains.Tests.Posts;

/// <summary>A post, its comments and likes, and its deletion, are rebuilt from the post's stream by a new activation.</summary>
public sealed class PostGrainDurabilityTests(ClusterFixture fixture, StoresFixture stores) : IClassFixture<ClusterFixture>
{
    private GrainCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task PostGrain_AfterDeactivation_RebuildsTextCommentsAndLikesFromStore()
    {
        var (author, reader, other) = await RegisterThreeAsync(Cluster);
        var post = Ids.NewPost();
        var grain = Cluster.Post(post);
        var created = await grain.CreateAsync(author, "First post");
        var kept = Ids.NewComment();
        var removed = Ids.NewComment();
        await grain.AddCommentAsync(kept, reader, "Nice");
        await grain.AddCommentAsync(removed, other, "Meh");
        await grain.DeleteCommentAsync(removed, other);
        await grain.LikeAsync(reader);
        await grain.LikeAsync(other);
        await grain.UnlikeAsync(other);
        await grain.LikeAsync(author);

        await Cluster.DeactivateAsync(grain);
        var after = await grain.GetAsync();

        Assert.Equal(created with { Comments = 1, Likes = 2 }, after);

        // The rebuilt comment and like sets are the ones commands decide on.
        await grain.AddCommentAsync(kept, reader, "Nice");
        await grain.LikeAsync(reader);
        await Assert.ThrowsAsync<NotFoundException>(() => grain.DeleteCommentAsync(removed, other));
        Assert.Equal(8, (await fixture.Database.ReadAsync(post.StreamId)).Count);
    }

    [Fact]
    public async Task DeletedPost_AfterDeactivation_StaysDeleted()
    {
        var (author, reader, _) = await RegisterThreeAsync(Cluster);
        var post = Ids.NewPost();
        var grain = Cluster.Post(post);
        await grain.CreateAsync(author, "Short-lived");
        await grain.LikeAsync(reader);
        await grain.DeleteAsync(author);

        await Cluster.DeactivateAsync(grain);

        await Assert.ThrowsAsync<NotFoundException>(grain.GetAsync);
        await Assert.ThrowsAsync<NotFoundException>(() => grain.LikeAsync(author));
        await Assert.ThrowsAsync<NotFoundException>(() => grain.AddCommentAsync(Ids.NewComment(), reader, "Too late"));
        await Assert.ThrowsAsync<NotFoundException>(() => grain.DeleteAsync(author));
        Assert.Equal(["V1.PostCreated", "V1.PostLiked", "V1.PostDeleted"], await fixture.Database.TypesAsync(post.StreamId));
    }

    [Fact]
    public async Task PostGrain_AfterClusterRestart_RebuildsStateAndDeletionFromStore()
    {
        await using var database = await EventStoreDatabase.CreateAsync(stores.Postgres);
        var live = Ids.NewPost();
        var deleted = Ids.NewPost();
        var comment = Ids.NewComment();
        PostView before;
        UserId author;
        await using (var first = await GrainCluster.StartAsync(database.ConnectionString, stores.Redis.ConnectionString))
        {
            (author, var reader, _) = await RegisterThreeAsync(first);
            await first.Post(live).CreateAsync(author, "Survives restarts");
            await first.Post(live).AddCommentAsync(comment, reader, "Agreed");
            await first.Post(live).LikeAsync(reader);
            await first.Post(deleted).CreateAsync(author, "Gone");
            await first.Post(deleted).DeleteAsync(author);
            before = await first.Post(live).GetAsync();
        }

        await using var second = await GrainCluster.StartAsync(database.ConnectionString, stores.Redis.ConnectionString);

        var after = await second.Post(live).GetAsync();
        Assert.Equal(before, after);
        Assert.Equal(1, after.Comments);
        Assert.Equal(1, after.Likes);
        await Assert.ThrowsAsync<NotFoundException>(second.Post(deleted).GetAsync);
        await second.Post(live).DeleteCommentAsync(comment, author);
        Assert.Equal(0, (await second.Post(live).GetAsync()).Comments);
    }

    [Fact]
    public async Task PostGrain_WithALongStream_LoadsItInPages_AndKeepsCountsNotTheLikers()
    {
        var (author, reader, _) = await RegisterThreeAsync(Cluster);
        var post = Ids.NewPost();
        await Cluster.Post(post).CreateAsync(author, "Popular");
        // 2 500 likes of made-up users, written straight to the stream: more than two pages of the grain's load.
        var likers = Enumerable.Range(0, 2500).Select(i => new UserId($"liker_{i}")).ToList();
        var version = 1L;
        foreach (var chunk in likers.Chunk(500))
        {
            version = await fixture.Database.Store.AppendAsync(post.StreamId, version,
                [.. chunk.Select(user => new EventData(Guid.CreateVersion7(), "V1.PostLiked", EventTypes.Serialize(new PostLiked(post, user, DateTimeOffset.UtcNow)), new EventMetadata()))], cancellationToken: TestContext.Current.CancellationToken);
        }

        await Cluster.DeactivateAsync(Cluster.Post(post));

        Assert.Equal(2500, (await Cluster.Post(post).GetAsync()).Likes);
        // Each like is known from the stream, not from memory: liking again writes nothing, a new liker counts.
        await Cluster.Post(post).LikeAsync(likers[1234]);
        await Cluster.Post(post).LikeAsync(reader);
        Assert.Equal(2501, (await Cluster.Post(post).GetAsync()).Likes);
        Assert.Equal(2502, (await fixture.Database.ReadAsync(post.StreamId)).Count);
        // The only lists a post holds are parsed from its own text, bounded by its 500 characters.
        Assert.DoesNotContain(typeof(PostState).GetProperties(), p => p.PropertyType.IsAssignableTo(typeof(System.Collections.IEnumerable))
            && p.PropertyType != typeof(string) && p.Name is not (nameof(PostState.Mentions) or nameof(PostState.Tags)));
    }

    [Fact]
    public async Task PostGrain_WithALongStream_ActivatesFromItsSnapshot_AndIgnoresOneItCannotReadOrOfAnotherShape()
    {
        var (author, reader, _) = await RegisterThreeAsync(Cluster);
        var post = Ids.NewPost();
        await Cluster.Post(post).CreateAsync(author, "Popular");
        var version = 1L;
        for (var i = 0; i < 3; i++)
        {
            version = await fixture.Database.Store.AppendAsync(post.StreamId, version,
                [.. Enumerable.Range(i * 500, 500).Select(n => new EventData(Guid.CreateVersion7(), "V1.PostLiked",
                    EventTypes.Serialize(new PostLiked(post, new UserId($"fan_{n}"), DateTimeOffset.UtcNow)), new EventMetadata()))],
                cancellationToken: TestContext.Current.CancellationToken);
        }

        // The activation that reads the 1 501 events keeps a snapshot; the next one starts from it.
        await Cluster.DeactivateAsync(Cluster.Post(post));
        Assert.Equal(1500, (await Cluster.Post(post).GetAsync()).Likes);
        Assert.Equal(1501, await SnapshotVersionAsync(post));
        await Cluster.DeactivateAsync(Cluster.Post(post));
        await Cluster.Post(post).LikeAsync(reader);
        Assert.Equal(1501, (await Cluster.Post(post).GetAsync()).Likes);

        Assert.Equal(1, await fixture.Database.CountAsync(
            "WITH spoiled AS (UPDATE snapshots SET state = '{\"exists\": \"not a bool\"}' WHERE stream_id = $1 RETURNING 1) SELECT count(*) FROM spoiled",
            post.StreamId));
        await Cluster.DeactivateAsync(Cluster.Post(post));
        Assert.Equal(1501, (await Cluster.Post(post).GetAsync()).Likes);

        // A snapshot of another shape of state (written by another version of the code) would read as all defaults.
        Assert.Equal(1, await fixture.Database.CountAsync(
            "WITH older AS (UPDATE snapshots SET shape = 'Exists:System.Boolean', state = '{}' WHERE stream_id = $1 RETURNING 1) SELECT count(*) FROM older",
            post.StreamId));
        await Cluster.DeactivateAsync(Cluster.Post(post));
        Assert.Equal(1501, (await Cluster.Post(post).GetAsync()).Likes);
    }

    private Task<long> SnapshotVersionAsync(PostId post) =>
        fixture.Database.CountAsync("SELECT coalesce(max(version), 0) FROM snapshots WHERE stream_id = $1", post.StreamId);

    private static async Task<(UserId Author, UserId Reader, UserId Other)> RegisterThreeAsync(GrainCluster cluster)
    {
        var users = await cluster.RegisterAsync(3);
        return (users[0], users[1], users[2]);
    }
}
