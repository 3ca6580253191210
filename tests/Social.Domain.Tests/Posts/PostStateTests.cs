using Social.Domain.Errors;
using Social.Domain.Posts;
using Xunit;
using static Social.Domain.Tests.TestData;

namespace Social.Domain.Tests.Posts;

public sealed class PostStateTests
{
    private static readonly PostCreated _created = new(Post1, Alice, "Hello", T0);
    private static readonly PostDeleted _deleted = new(Post1, Alice, T0.AddMinutes(5));
    private static readonly CommentAdded _bobComment = new(Post1, Comment1, Bob, "Nice", T0.AddMinutes(1));

    // What the post's stream says about Bob's comment once it was added, and about a user who likes the post.
    private static readonly CommentState _bobsComment = new(Comment1, Bob, "Nice", T0.AddMinutes(1), []);

    private static readonly Func<string, bool> NoUsers = _ => false;
    private static readonly LikeRecord _liked = new(Liked: true, Unlikes: 0);

    private static PostState Given(params PostEvent[] events)
    {
        var state = new PostState();
        foreach (var e in events)
        {
            state.Apply(e);
        }

        return state;
    }

    [Fact]
    public void Create_NewPost_RaisesPostCreatedWithNormalizedText()
    {
        Assert.Equivalent(new PostCreated(Post1, Alice, "Hello", T0, [], []), Given().Create(Post1, Alice, "  Hello \n", NoUsers, T0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("null\u0000")]
    public void Create_BadText_ThrowsValidationOnText(string text)
    {
        var e = Assert.Throws<ValidationException>(() => Given().Create(Post1, Alice, text, NoUsers, T0));

        Assert.Equal(["text"], e.Errors.Keys);
    }

    [Fact]
    public void Create_500GraphemesWithEmoji_IsAcceptedAnd501IsNot()
    {
        Assert.NotNull(Given().Create(Post1, Alice, Repeat(ThumbsUpMediumSkin, 500), NoUsers, T0));
        Assert.Throws<ValidationException>(() => Given().Create(Post1, Alice, Repeat(ThumbsUpMediumSkin, 499) + "ab", NoUsers, T0));
    }

    public static TheoryData<string> RefusedTexts => new()
    {
        "x" + new string('\u0301', 2_000), // one character of 2 001 UTF-16 code units
        "abc\u202Edef",
        "\u200B",
        "abc\rdef",
    };

    [Theory]
    [MemberData(nameof(RefusedTexts))]
    public void CreateAndAddComment_RefusedText_ThrowValidationOnText(string text)
    {
        Assert.Equal(["text"], Assert.Throws<ValidationException>(() => Given().Create(Post1, Alice, text, NoUsers, T0)).Errors.Keys);
        Assert.Equal(["text"], Assert.Throws<ValidationException>(() => Given(_created).AddComment(Comment1, Bob, text, null, NoUsers, T0)).Errors.Keys);
    }

    [Fact]
    public void Create_RetriedWithSameContent_RaisesNothing()
    {
        Assert.Null(Given(_created).Create(Post1, Alice, " Hello ", NoUsers, T0.AddSeconds(3)));
    }

    [Fact]
    public void Create_RetriedAfterDeletion_RaisesNothing()
    {
        Assert.Null(Given(_created, _deleted).Create(Post1, Alice, "Hello", NoUsers, T0));
    }

    [Theory]
    [InlineData("alice", "Different")]
    [InlineData("bob", "Hello")]
    public void Create_SameIdDifferentContent_ThrowsConflict(string author, string text)
    {
        Assert.Throws<ConflictException>(() => Given(_created).Create(Post1, new(author), text, NoUsers, T0));
    }

    [Fact]
    public void Apply_PostCreated_SetsThePost()
    {
        var state = Given(_created);

        Assert.True(state.Exists);
        Assert.False(state.IsDeleted);
        Assert.True(state.IsLive);
        Assert.Equal(Post1, state.Id);
        Assert.Equal(Alice, state.AuthorId);
        Assert.Equal("Hello", state.Text);
        Assert.Equal(T0, state.CreatedAt);
        Assert.Equal((0, 0), (state.CommentCount, state.LikeCount));
    }

    [Fact]
    public void Delete_ByAuthor_RaisesPostDeleted()
    {
        Assert.Equal(new PostDeleted(Post1, Alice, T0), Given(_created).Delete(Alice, T0));
    }

    [Fact]
    public void Delete_ByNonAuthor_ThrowsForbidden()
    {
        var e = Assert.Throws<ForbiddenException>(() => Given(_created).Delete(Bob, T0));

        Assert.Equal("Only the author can delete a post.", e.Message);
    }

    [Fact]
    public void Delete_Twice_ThrowsNotFound()
    {
        var e = Assert.Throws<NotFoundException>(() => Given(_created, _deleted).Delete(Alice, T0));

        Assert.Equal($"There is no post '{Post1}'; it was deleted.", e.Message);
    }

    [Fact]
    public void Delete_UnknownPost_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given().Delete(Alice, T0));
    }

    [Fact]
    public void Apply_PostDeleted_MarksDeleted()
    {
        var state = Given(_created, _deleted);

        Assert.True(state.Exists);
        Assert.True(state.IsDeleted);
        Assert.False(state.IsLive);
    }

    [Fact]
    public void Create_RecordsTheTagsAndTheMentionedUsersThatExist_InOrderOfFirstAppearance()
    {
        var e = Given().Create(Post1, Alice, "@Carol met @nobody and @bob at #Rust #rust #go", handle => handle is "bob" or "carol", T0);

        Assert.Equal(["carol", "bob"], e!.Mentions);
        Assert.Equal(["rust", "go"], e.Tags);
    }

    [Fact]
    public void AddComment_RecordsTheMentionedUsersThatExist()
    {
        var e = Given(_created).AddComment(Comment1, Bob, "cc @alice @ghost @alice", null, handle => handle == "alice", T0);

        Assert.Equal(["alice"], e!.Mentions);
    }

    [Fact]
    public void AddComment_LivePost_RaisesCommentAdded()
    {
        var e = Given(_created).AddComment(Comment1, Bob, " Nice ", null, NoUsers, T0.AddMinutes(1));

        Assert.Equivalent(_bobComment with { Mentions = [] }, e, strict: true);
    }

    [Fact]
    public void AddComment_DeletedPost_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given(_created, _deleted).AddComment(Comment1, Bob, "Nice", null, NoUsers, T0));
    }

    [Fact]
    public void AddComment_UnknownPost_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given().AddComment(Comment1, Bob, "Nice", null, NoUsers, T0));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \t ")]
    [InlineData("bell\u0007")]
    public void AddComment_BadText_ThrowsValidationOnText(string text)
    {
        var e = Assert.Throws<ValidationException>(() => Given(_created).AddComment(Comment1, Bob, text, null, NoUsers, T0));

        Assert.Equal(["text"], e.Errors.Keys);
    }

    [Fact]
    public void AddComment_500Graphemes_IsAcceptedAnd501IsNot()
    {
        Assert.NotNull(Given(_created).AddComment(Comment1, Bob, Repeat(DecomposedE, 500), null, NoUsers, T0));
        Assert.Throws<ValidationException>(() => Given(_created).AddComment(Comment1, Bob, Repeat(DecomposedE, 501), null, NoUsers, T0));
    }

    [Fact]
    public void AddComment_RetriedWithSameContent_RaisesNothing()
    {
        Assert.Null(Given(_created, _bobComment).AddComment(Comment1, Bob, "Nice", _bobsComment, NoUsers, T0.AddMinutes(2)));
    }

    [Theory]
    [InlineData("bob", "Other text")]
    [InlineData("carol", "Nice")]
    public void AddComment_SameIdDifferentContent_ThrowsConflict(string author, string text)
    {
        Assert.Throws<ConflictException>(() => Given(_created, _bobComment).AddComment(Comment1, new(author), text, _bobsComment, NoUsers, T0));
    }

    [Fact]
    public void Apply_CommentAdded_CountsIt()
    {
        Assert.Equal(1, Given(_created, _bobComment).CommentCount);
    }

    [Fact]
    public void DeleteComment_ByCommentAuthor_RaisesCommentDeleted()
    {
        Assert.Equal(new CommentDeleted(Post1, Comment1, Bob, T0), Given(_created, _bobComment).DeleteComment(Comment1, _bobsComment, Bob, T0));
    }

    [Fact]
    public void DeleteComment_ByPostAuthor_RaisesCommentDeleted()
    {
        Assert.Equal(new CommentDeleted(Post1, Comment1, Alice, T0), Given(_created, _bobComment).DeleteComment(Comment1, _bobsComment, Alice, T0));
    }

    [Fact]
    public void DeleteComment_ByStranger_ThrowsForbidden()
    {
        var e = Assert.Throws<ForbiddenException>(() => Given(_created, _bobComment).DeleteComment(Comment1, _bobsComment, Carol, T0));

        Assert.Equal("Only the comment's author or the post's author can delete a comment.", e.Message);
    }

    [Fact]
    public void DeleteComment_UnknownComment_ThrowsNotFound()
    {
        var e = Assert.Throws<NotFoundException>(() => Given(_created, _bobComment).DeleteComment(Comment2, null, Bob, T0));

        Assert.Equal($"There is no comment '{Comment2}' on this post.", e.Message);
    }

    [Fact]
    public void DeleteComment_Twice_ThrowsNotFound()
    {
        var state = Given(_created, _bobComment, new CommentDeleted(Post1, Comment1, Bob, T0));

        Assert.Throws<NotFoundException>(() => state.DeleteComment(Comment1, null, Bob, T0));
    }

    [Fact]
    public void DeleteComment_DeletedPost_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given(_created, _bobComment, _deleted).DeleteComment(Comment1, _bobsComment, Bob, T0));
    }

    [Fact]
    public void Apply_CommentDeleted_CountsItOut()
    {
        var state = Given(
            _created,
            _bobComment,
            new CommentAdded(Post1, Comment2, Carol, "Hi", T0),
            new CommentDeleted(Post1, Comment1, Alice, T0));

        Assert.Equal(1, state.CommentCount);
    }

    [Fact]
    public void Like_NotLiked_RaisesPostLiked()
    {
        Assert.Equal(new PostLiked(Post1, Bob, T0), Given(_created).Like(Bob, LikeRecord.None, T0));
    }

    [Fact]
    public void Like_Twice_RaisesNothing()
    {
        Assert.Null(Given(_created, new PostLiked(Post1, Bob, T0)).Like(Bob, _liked, T0));
    }

    [Fact]
    public void Like_DeletedPost_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given(_created, _deleted).Like(Bob, LikeRecord.None, T0));
    }

    [Fact]
    public void Like_UnknownPost_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given().Like(Bob, LikeRecord.None, T0));
    }

    [Fact]
    public void Unlike_Liked_RaisesPostUnliked()
    {
        Assert.Equal(new PostUnliked(Post1, Bob, T0), Given(_created, new PostLiked(Post1, Bob, T0)).Unlike(Bob, _liked, T0));
    }

    [Fact]
    public void Unlike_NotLiked_RaisesNothing()
    {
        Assert.Null(Given(_created, new PostLiked(Post1, Carol, T0)).Unlike(Bob, LikeRecord.None, T0));
    }

    [Fact]
    public void Unlike_DeletedPost_ThrowsNotFound()
    {
        Assert.Throws<NotFoundException>(() => Given(_created, new PostLiked(Post1, Bob, T0), _deleted).Unlike(Bob, _liked, T0));
    }

    [Fact]
    public void Like_AfterTakingItBackTheMaximumNumberOfTimes_ThrowsConflict()
    {
        var state = Given(_created);

        Assert.NotNull(state.Like(Bob, new LikeRecord(Liked: false, Unlikes: PostState.MaxUnlikes - 1), T0));
        Assert.Throws<ConflictException>(() => state.Like(Bob, new LikeRecord(Liked: false, Unlikes: PostState.MaxUnlikes), T0));
        Assert.NotNull(state.Unlike(Bob, new LikeRecord(Liked: true, Unlikes: PostState.MaxUnlikes), T0));
    }

    [Fact]
    public void Apply_LikesAndUnlikes_CountsTheLikes()
    {
        var state = Given(
            _created,
            new PostLiked(Post1, Bob, T0),
            new PostLiked(Post1, Carol, T0),
            new PostUnliked(Post1, Bob, T0));

        Assert.Equal(1, state.LikeCount);
    }

    [Fact]
    public void Decisions_Always_LeaveTheStateUnchanged()
    {
        var state = Given(_created, _bobComment);

        _ = state.Like(Bob, LikeRecord.None, T0);
        _ = state.AddComment(Comment2, Carol, "Hi", null, NoUsers, T0);
        _ = state.DeleteComment(Comment1, _bobsComment, Bob, T0);
        _ = state.Delete(Alice, T0);

        Assert.Equal((1, 0), (state.CommentCount, state.LikeCount));
        Assert.True(state.IsLive);
    }
}
