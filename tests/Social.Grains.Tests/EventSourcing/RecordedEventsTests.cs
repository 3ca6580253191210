using Social.Abstractions.Commands;
using Social.Abstractions.EventStore;
using Social.Domain.Events;
using Social.Domain.Posts;
using Social.Domain.Users;
using Social.Grains.Tests.TestHost;
using Xunit;

namespace Social.Grains.Tests.EventSourcing;

/// <summary>What the grains' commands leave in the event store: one row per event, in the shape projections rely on.</summary>
public sealed class RecordedEventsTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private GrainCluster Cluster => fixture.Cluster;

    private EventStoreDatabase Database => fixture.Database;

    [Fact]
    public async Task UserCommands_AppendOneRowEach_WithStableTypesVersionsOneToNAndPayloads()
    {
        var followee = (await Cluster.RegisterAsync(1))[0];
        var user = Ids.NewUser();
        var started = DateTimeOffset.UtcNow;

        await Cluster.User(user).RegisterAsync("Ada", "hash-1");
        await Cluster.User(user).UpdateProfileAsync("Ada L.", "Bio");
        await Cluster.User(user).FollowAsync(followee);
        await Cluster.User(user).UnfollowAsync(followee);

        var events = await Database.ReadAsync(user.StreamId);
        Assert.Equal(["V1.UserRegistered", "V1.ProfileUpdated", "V1.UserFollowed", "V1.UserUnfollowed"], events.Select(e => e.Type));
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Version));
        Assert.All(events, e => Assert.Equal(user.StreamId, e.StreamId));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(events.Select(e => e.Position).Order(), events.Select(e => e.Position));

        var payloads = events.Select(e => EventTypes.Deserialize(e.Type, e.Data)).ToList();
        var registered = Assert.IsType<UserRegistered>(payloads[0]);
        Assert.Equal((user, user.Value, "Ada", "hash-1"), (registered.UserId, registered.Handle, registered.DisplayName, registered.PasswordHash));
        Assert.InRange(registered.At, started.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        var updated = Assert.IsType<ProfileUpdated>(payloads[1]);
        Assert.Equal((user, "Ada L.", "Bio"), (updated.UserId, updated.DisplayName, updated.Bio));
        var followed = Assert.IsType<UserFollowed>(payloads[2]);
        Assert.Equal((user, followee), (followed.Follower, followed.Followee));
        var unfollowed = Assert.IsType<UserUnfollowed>(payloads[3]);
        Assert.Equal((user, followee), (unfollowed.Follower, unfollowed.Followee));
    }

    [Fact]
    public async Task PostCommands_AppendOneRowEach_WithStableTypesVersionsOneToNAndPayloads()
    {
        var users = await Cluster.RegisterAsync(2);
        var post = Ids.NewPost();
        var comment = Ids.NewComment();

        await Cluster.Post(post).CreateAsync(users[0], "Text");
        await Cluster.Post(post).AddCommentAsync(comment, users[1], "Reply");
        await Cluster.Post(post).LikeAsync(users[1]);
        await Cluster.Post(post).UnlikeAsync(users[1]);
        await Cluster.Post(post).DeleteCommentAsync(comment, users[0]);
        await Cluster.Post(post).DeleteAsync(users[0]);

        var events = await Database.ReadAsync(post.StreamId);
        Assert.Equal(
            ["V1.PostCreated", "V1.CommentAdded", "V1.PostLiked", "V1.PostUnliked", "V1.CommentDeleted", "V1.PostDeleted"],
            events.Select(e => e.Type));
        Assert.Equal([1L, 2, 3, 4, 5, 6], events.Select(e => e.Version));
        var payloads = events.Select(e => EventTypes.Deserialize(e.Type, e.Data)).Cast<PostEvent>().ToList();
        var created = Assert.IsType<PostCreated>(payloads[0]);
        Assert.Equal((post, users[0], "Text"), (created.PostId, created.AuthorId, created.Text));
        var added = Assert.IsType<CommentAdded>(payloads[1]);
        Assert.Equal((post, comment, users[1], "Reply"), (added.PostId, added.CommentId, added.AuthorId, added.Text));
        Assert.Equal(users[1], Assert.IsType<PostLiked>(payloads[2]).UserId);
        Assert.Equal(users[1], Assert.IsType<PostUnliked>(payloads[3]).UserId);
        var removed = Assert.IsType<CommentDeleted>(payloads[4]);
        Assert.Equal((comment, users[0]), (removed.CommentId, removed.DeletedBy));
        Assert.Equal(users[0], Assert.IsType<PostDeleted>(payloads[5]).AuthorId);
    }

    [Fact]
    public async Task Commands_WithCommandContext_RecordCorrelationIdempotencyKeyAndUserAsMetadata()
    {
        var users = await Cluster.RegisterAsync(1);
        var user = Ids.NewUser();
        var post = Ids.NewPost();
        try
        {
            CommandContext.Set("corr-register", "key-register", null);
            await Cluster.User(user).RegisterAsync("Meta", Ids.PasswordHash);
            CommandContext.Set("corr-profile", null, user.Value);
            await Cluster.User(user).UpdateProfileAsync(null, "With metadata");
            CommandContext.Set("corr-post", "key-post", user.Value);
            await Cluster.Post(post).CreateAsync(user, "Post with metadata");
            CommandContext.Set("corr-follow", "key-follow", user.Value);
            await Cluster.User(user).FollowAsync(users[0]);
        }
        finally
        {
            CommandContext.Set(null, null, null);
        }

        Assert.Equal(
            [
                new EventMetadata("corr-register", null, "key-register", null),
                new EventMetadata("corr-profile", null, null, user.Value),
                new EventMetadata("corr-follow", null, "key-follow", user.Value),
            ],
            (await Database.ReadAsync(user.StreamId)).Select(e => e.Metadata));
        Assert.Equal(
            new EventMetadata("corr-post", null, "key-post", user.Value),
            Assert.Single(await Database.ReadAsync(post.StreamId)).Metadata);
    }

    [Fact]
    public async Task Commands_WithoutCommandContext_RecordEmptyMetadata()
    {
        var user = Ids.NewUser();

        await Cluster.User(user).RegisterAsync("No context", Ids.PasswordHash);

        Assert.Equal(EventMetadata.Empty, Assert.Single(await Database.ReadAsync(user.StreamId)).Metadata);
    }

    [Fact]
    public async Task CommandsThatChangeNothing_AppendNoEvent()
    {
        var users = await Cluster.RegisterAsync(2);
        var post = Ids.NewPost();
        await Cluster.Post(post).CreateAsync(users[0], "Post");

        await Cluster.User(users[0]).UpdateProfileAsync(users[0].Value, null);
        await Cluster.User(users[0]).UpdateProfileAsync(null, "");
        await Cluster.User(users[0]).UnfollowAsync(users[1]);
        await Cluster.Post(post).UnlikeAsync(users[1]);

        Assert.Equal(["V1.UserRegistered"], await Database.TypesAsync(users[0].StreamId));
        Assert.Equal(["V1.PostCreated"], await Database.TypesAsync(post.StreamId));
    }
}
