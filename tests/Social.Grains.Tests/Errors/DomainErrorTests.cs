using Social.Domain.Errors;
using Social.Domain.Text;
using Social.Grains.Tests.TestHost;
using Xunit;

namespace Social.Grains.Tests.Errors;

/// <summary>
/// Every domain error reaches the caller of a grain as the same type with the same message (and, for validation,
/// the same field map) as the domain threw it, so that the API can map it to one status code; and a command that
/// fails writes nothing.
/// </summary>
public sealed class DomainErrorTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private GrainCluster Cluster => fixture.Cluster;

    private EventStoreDatabase Database => fixture.Database;

    [Fact]
    public async Task RegisterAsync_BlankDisplayName_ThrowsValidationWithDisplayNameError()
    {
        var user = Ids.NewUser();

        var error = await Assert.ThrowsAsync<ValidationException>(() => Cluster.User(user).RegisterAsync("  ", Ids.PasswordHash));

        AssertSame(Assert.Throws<ValidationException>(() => TextRules.DisplayName("  ")), error);
        Assert.Equal(["Display name must not be empty."], error.Errors["displayName"]);
        Assert.Empty(await Database.ReadAsync(user.StreamId));
        Assert.False(await Cluster.User(user).ExistsAsync());
    }

    [Fact]
    public async Task UpdateProfileAsync_InvalidNameAndBio_ThrowsOneValidationWithBothFields()
    {
        var user = (await Cluster.RegisterAsync(1))[0];
        var longBio = new string('b', TextRules.BioMaxLength + 1);

        var error = await Assert.ThrowsAsync<ValidationException>(() => Cluster.User(user).UpdateProfileAsync("two\nlines", longBio));

        Assert.Equal(["bio", "displayName"], error.Errors.Keys.Order());
        Assert.Equal(Assert.Throws<ValidationException>(() => TextRules.DisplayName("two\nlines")).Errors["displayName"], error.Errors["displayName"]);
        Assert.Equal(Assert.Throws<ValidationException>(() => TextRules.Bio(longBio)).Errors["bio"], error.Errors["bio"]);
        Assert.Contains("Bio must be at most 160 characters; it has 161.", error.Message, StringComparison.Ordinal);
        Assert.Equal(user.Value, (await Cluster.User(user).GetAsync()).DisplayName);
        Assert.Single(await Database.ReadAsync(user.StreamId));
    }

    [Fact]
    public async Task FollowAsync_Oneself_ThrowsValidationWithHandleError()
    {
        var user = (await Cluster.RegisterAsync(1))[0];

        var error = await Assert.ThrowsAsync<ValidationException>(() => Cluster.User(user).FollowAsync(user));

        AssertSame(new ValidationException("handle", "You cannot follow yourself."), error);
        Assert.Single(await Database.ReadAsync(user.StreamId));
    }

    [Fact]
    public async Task PostCommands_InvalidText_ThrowValidationWithTextError()
    {
        var users = await Cluster.RegisterAsync(2);
        var post = Ids.NewPost();
        var tooLong = new string('x', TextRules.CommentTextMaxLength + 1);

        var onCreate = await Assert.ThrowsAsync<ValidationException>(() => Cluster.Post(post).CreateAsync(users[0], " \n "));
        await Cluster.Post(post).CreateAsync(users[0], "Valid");
        var onComment = await Assert.ThrowsAsync<ValidationException>(
            () => Cluster.Post(post).AddCommentAsync(Ids.NewComment(), users[1], tooLong));

        AssertSame(Assert.Throws<ValidationException>(() => TextRules.PostText(" \n ")), onCreate);
        AssertSame(Assert.Throws<ValidationException>(() => TextRules.CommentText(tooLong)), onComment);
        Assert.Equal(["text"], onComment.Errors.Keys);
        Assert.Single(await Database.ReadAsync(post.StreamId));
    }

    [Fact]
    public async Task UserQueriesAndCommands_UnknownUser_ThrowNotFound()
    {
        var known = (await Cluster.RegisterAsync(1))[0];
        var unknown = Ids.NewUser();

        AssertSame(new NotFoundException($"There is no user '{unknown}'."), await Assert.ThrowsAsync<NotFoundException>(Cluster.User(unknown).GetAsync));
        AssertSame(new NotFoundException($"There is no user '{unknown}'."), await Assert.ThrowsAsync<NotFoundException>(Cluster.User(unknown).GetSummaryAsync));
        AssertSame(new NotFoundException("There is no such user."),
            await Assert.ThrowsAsync<NotFoundException>(() => Cluster.User(unknown).UpdateProfileAsync("Name", null)));
        AssertSame(new NotFoundException($"There is no user '{unknown}'."),
            await Assert.ThrowsAsync<NotFoundException>(() => Cluster.User(known).FollowAsync(unknown)));
        Assert.Null(await Cluster.User(unknown).GetCredentialAsync());
        Assert.Empty(await Database.ReadAsync(unknown.StreamId));
        Assert.Single(await Database.ReadAsync(known.StreamId));
    }

    [Fact]
    public async Task PostQueriesAndCommands_UnknownPostOrComment_ThrowNotFound()
    {
        var users = await Cluster.RegisterAsync(2);
        var unknown = Ids.NewPost();
        var post = Ids.NewPost();
        await Cluster.Post(post).CreateAsync(users[0], "Exists");
        var missingComment = Ids.NewComment();

        AssertSame(new NotFoundException($"There is no post '{unknown}'."), await Assert.ThrowsAsync<NotFoundException>(Cluster.Post(unknown).GetAsync));
        AssertSame(new NotFoundException("There is no such post."), await Assert.ThrowsAsync<NotFoundException>(() => Cluster.Post(unknown).LikeAsync(users[1])));
        AssertSame(new NotFoundException("There is no such post."), await Assert.ThrowsAsync<NotFoundException>(() => Cluster.Post(unknown).DeleteAsync(users[0])));
        AssertSame(new NotFoundException($"There is no comment '{missingComment}' on this post."),
            await Assert.ThrowsAsync<NotFoundException>(() => Cluster.Post(post).DeleteCommentAsync(missingComment, users[0])));
        Assert.Empty(await Database.ReadAsync(unknown.StreamId));
        Assert.Single(await Database.ReadAsync(post.StreamId));
    }

    [Fact]
    public async Task CreateAsync_ByUnregisteredAuthor_ThrowsNotFoundAndAppendsNothing()
    {
        var unregistered = Ids.NewUser();
        var post = Ids.NewPost();

        await Assert.ThrowsAsync<NotFoundException>(() => Cluster.Post(post).CreateAsync(unregistered, "Who wrote this?"));

        // A command that reports a failure must not have committed its event (projections would fan it out).
        Assert.Empty(await Database.TypesAsync(post.StreamId));
    }

    [Fact]
    public async Task AddCommentAsync_ByUnregisteredUser_ThrowsNotFoundAndAppendsNothing()
    {
        var author = (await Cluster.RegisterAsync(1))[0];
        var post = Ids.NewPost();
        await Cluster.Post(post).CreateAsync(author, "Post");

        await Assert.ThrowsAsync<NotFoundException>(() => Cluster.Post(post).AddCommentAsync(Ids.NewComment(), Ids.NewUser(), "Ghost comment"));

        Assert.Equal(["V1.PostCreated"], await Database.TypesAsync(post.StreamId));
    }

    [Fact]
    public async Task DeleteAsync_ByOtherThanAuthor_ThrowsForbiddenAndKeepsThePost()
    {
        var users = await Cluster.RegisterAsync(2);
        var post = Ids.NewPost();
        await Cluster.Post(post).CreateAsync(users[0], "Mine");

        var error = await Assert.ThrowsAsync<ForbiddenException>(() => Cluster.Post(post).DeleteAsync(users[1]));

        AssertSame(new ForbiddenException("Only the author can delete a post."), error);
        Assert.Equal("Mine", (await Cluster.Post(post).GetAsync()).Text);
        Assert.Single(await Database.ReadAsync(post.StreamId));
    }

    [Fact]
    public async Task DeleteCommentAsync_ByThirdUser_ThrowsForbiddenAndKeepsTheComment()
    {
        var users = await Cluster.RegisterAsync(3);
        var post = Ids.NewPost();
        var comment = Ids.NewComment();
        await Cluster.Post(post).CreateAsync(users[0], "Post");
        await Cluster.Post(post).AddCommentAsync(comment, users[1], "Comment");

        var error = await Assert.ThrowsAsync<ForbiddenException>(() => Cluster.Post(post).DeleteCommentAsync(comment, users[2]));

        AssertSame(new ForbiddenException("Only the comment's author or the post's author can delete a comment."), error);
        Assert.Equal(1, (await Cluster.Post(post).GetAsync()).Comments);
        Assert.Equal(2, (await Database.ReadAsync(post.StreamId)).Count);
    }

    [Fact]
    public async Task RegisterAsync_TakenHandle_ThrowsConflictAndKeepsTheFirstRegistration()
    {
        var user = Ids.NewUser();
        await Cluster.User(user).RegisterAsync("First", "first-hash");

        var error = await Assert.ThrowsAsync<ConflictException>(() => Cluster.User(user).RegisterAsync("Second", "second-hash"));

        AssertSame(new ConflictException($"The handle '{user}' is taken."), error);
        Assert.Equal("First", (await Cluster.User(user).GetAsync()).DisplayName);
        Assert.Equal("first-hash", (await Cluster.User(user).GetCredentialAsync())!.PasswordHash);
        Assert.Single(await Database.ReadAsync(user.StreamId));
    }

    [Fact]
    public async Task CreateAndAddComment_IdTakenByOtherContent_ThrowConflict()
    {
        var users = await Cluster.RegisterAsync(2);
        var post = Ids.NewPost();
        var comment = Ids.NewComment();
        await Cluster.Post(post).CreateAsync(users[0], "Post");
        await Cluster.Post(post).AddCommentAsync(comment, users[1], "Comment");

        var onCreate = await Assert.ThrowsAsync<ConflictException>(() => Cluster.Post(post).CreateAsync(users[1], "Post"));
        var onComment = await Assert.ThrowsAsync<ConflictException>(() => Cluster.Post(post).AddCommentAsync(comment, users[1], "Edited"));

        AssertSame(new ConflictException($"A post with the id '{post}' already exists."), onCreate);
        AssertSame(new ConflictException($"A comment with the id '{comment}' already exists."), onComment);
        Assert.Equal(2, (await Database.ReadAsync(post.StreamId)).Count);
    }

    /// <summary>The error that crossed the grain boundary is the one the domain throws: type, message and fields.</summary>
    private static void AssertSame(DomainException expected, DomainException actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Message, actual.Message);
        if (expected is ValidationException validation)
        {
            Assert.Equal(validation.Errors, ((ValidationException)actual).Errors);
        }
    }
}
