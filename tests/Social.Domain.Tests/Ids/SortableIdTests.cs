using Social.Domain.Ids;
using Xunit;

namespace Social.Domain.Tests.Ids;

// Id generation keeps process-wide state (the last millisecond and random part); these tests
// check its order, so they do not run beside tests that make ids at other times.
[CollectionDefinition(nameof(IdGeneration), DisableParallelization = true)]
public sealed class IdGeneration;

[Collection(nameof(IdGeneration))]
public sealed class SortableIdTests
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    [Fact]
    public void PostIdNew_ManyInARow_AreUniqueAndInCreationOrder()
    {
        var ids = new List<string>(10_000);
        for (var i = 0; i < 10_000; i++)
        {
            ids.Add(PostId.New(DateTimeOffset.UtcNow).Value);
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"{ids[i - 1]} should sort before {ids[i]}");
        }
    }

    [Fact]
    public void PostIdNew_SameMillisecond_IncrementsAndKeepsTheTime()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 10_000).Select(_ => PostId.New(now)).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.OrderBy(id => id.Value, StringComparer.Ordinal), ids);
        Assert.All(ids, id => Assert.Equal(now.ToUnixTimeMilliseconds(), id.CreatedAt.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public void CommentIdNew_SameMillisecondAsPostIds_SharesTheMonotonicSequence()
    {
        var now = DateTimeOffset.UtcNow;
        var first = PostId.New(now).Value;
        var second = CommentId.New(now).Value;
        var third = PostId.New(now).Value;

        Assert.True(string.CompareOrdinal(first, second) < 0);
        Assert.True(string.CompareOrdinal(second, third) < 0);
    }

    [Fact]
    public void PostIdNew_LaterTime_SortsAfter()
    {
        var t = DateTimeOffset.UtcNow;
        var a = PostId.New(t);
        var b = PostId.New(t.AddMilliseconds(1));
        var c = PostId.New(t.AddDays(1));

        Assert.True(a.CompareTo(b) < 0);
        Assert.True(b.CompareTo(c) < 0);
    }

    [Fact]
    public void PostIdNew_Always_Is26CrockfordCharactersWithTheTimeFirst()
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(1_469_918_176_385);

        var id = PostId.New(t);

        Assert.Equal(26, id.Value.Length);
        Assert.All(id.Value, c => Assert.Contains(c, Crockford));
        Assert.StartsWith("01ARYZ6S41", id.Value, StringComparison.Ordinal); // the ULID specification's example
        Assert.Equal(t, id.CreatedAt);
    }

    [Fact]
    public void PostIdCreatedAt_KnownUlid_DecodesItsTime()
    {
        Assert.True(PostId.TryParse("01ARZ3NDEKTSV4RRFFQ69G5FAV", out var id));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_469_922_850_259), id.CreatedAt);
    }

    [Fact]
    public void CommentIdNew_Always_RoundTripsThroughTryParse()
    {
        var id = CommentId.New(DateTimeOffset.UtcNow);

        Assert.True(CommentId.TryParse(id.Value, out var parsed));
        Assert.Equal(id, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("junk")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FA")] // 25
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAVX")] // 27
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAI")] // I is not Crockford
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAL")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAO")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAU")]
    [InlineData("81ARZ3NDEKTSV4RRFFQ69G5FAV")] // over 128 bits
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FA-")]
    [InlineData(" 1ARZ3NDEKTSV4RRFFQ69G5FAV")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FA\u017F")] // long s upper-cases to S
    public void TryParse_Junk_ReturnsFalse(string? s)
    {
        Assert.False(PostId.TryParse(s, out var postId));
        Assert.Equal(default, postId);
        Assert.False(CommentId.TryParse(s, out var commentId));
        Assert.Equal(default, commentId);
    }

    [Fact]
    public void TryParse_LowerCase_AcceptsAndUpperCases()
    {
        Assert.True(PostId.TryParse("01arz3ndektsv4rrffq69g5fav", out var postId));
        Assert.Equal("01ARZ3NDEKTSV4RRFFQ69G5FAV", postId.Value);
        Assert.True(CommentId.TryParse("01arz3ndektsv4rrffq69g5fav", out var commentId));
        Assert.Equal("01ARZ3NDEKTSV4RRFFQ69G5FAV", commentId.Value);
    }

    [Fact]
    public void TryParse_LastRepresentableTime_AcceptsAndLaterIsRejected()
    {
        var last = PostId.New(DateTimeOffset.MaxValue);

        Assert.True(PostId.TryParse(last.Value, out var parsed));
        Assert.Equal(DateTimeOffset.MaxValue.ToUnixTimeMilliseconds(), parsed.CreatedAt.ToUnixTimeMilliseconds());
        Assert.False(PostId.TryParse("7ZZZZZZZZZZZZZZZZZZZZZZZZZ", out _)); // a time DateTimeOffset cannot hold
    }

    [Fact]
    public void PostIdNew_Before1970_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PostId.New(new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero)));
    }

    [Fact]
    public void PostIdStreamIdAndToString_Always_UseTheValue()
    {
        var id = new PostId("01ARZ3NDEKTSV4RRFFQ69G5FAV");

        Assert.Equal("post-01ARZ3NDEKTSV4RRFFQ69G5FAV", id.StreamId);
        Assert.Equal("01ARZ3NDEKTSV4RRFFQ69G5FAV", id.ToString());
    }
}
