using Social.Domain.Errors;
using Social.Domain.Text;
using Xunit;
using static Social.Domain.Tests.TestData;

namespace Social.Domain.Tests.Text;

public sealed class TextRulesTests
{
    public static TheoryData<string, int> AcceptedTexts => new()
    {
        { "a", 1 },
        { Repeat("a", 500), 500 },
        { Repeat(DecomposedE, 500), 500 },
        { Repeat(ThumbsUpMediumSkin, 500), 2000 },
        { Repeat(Family, 181), 1991 }, // 500 family emoji would be 5 500 UTF-16 code units: over the 2 000 allowed
        { Repeat("\U0001F1EB\U0001F1F7", 500), 2000 }, // flags: a pair of regional indicators each
    };

    public static TheoryData<string> TooLongTexts => new()
    {
        Repeat("a", 501),
        Repeat(DecomposedE, 501),
        Repeat(ThumbsUpMediumSkin, 501),
        Repeat(Family, 501),
    };

    [Theory]
    [MemberData(nameof(AcceptedTexts))]
    public void PostText_OneTo500Graphemes_IsAccepted(string text, int utf16Length)
    {
        var result = TextRules.PostText(text);

        Assert.Equal(text.Normalize(), result);
        Assert.True(result.Length <= utf16Length);
    }

    [Theory]
    [MemberData(nameof(TooLongTexts))]
    public void PostText_501Graphemes_ThrowsValidationOnText(string text)
    {
        var e = Assert.Throws<ValidationException>(() => TextRules.PostText(text));

        Assert.Equal(["Text must be 1 to 500 characters; it has 501."], e.Errors["text"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" \n \n ")]
    [InlineData("\u3000\u00A0")] // ideographic and no-break spaces
    public void PostText_EmptyOrWhitespace_ThrowsValidationOnText(string? text)
    {
        var e = Assert.Throws<ValidationException>(() => TextRules.PostText(text));

        Assert.Equal(["Text must not be empty."], e.Errors["text"]);
    }

    [Theory]
    [InlineData("hi\u0000there")]
    [InlineData("bell\u0007")]
    [InlineData("esc\u001B[31m")]
    [InlineData("del\u007F")]
    [InlineData("c1\u0085control")]
    [InlineData("tab\there")]
    [InlineData("carriage\rreturn")]
    [InlineData("windows\r\nline end")]
    [InlineData(" \n\t \r\n ")]
    public void PostText_ControlCharacter_ThrowsValidationOnText(string text)
    {
        var e = Assert.Throws<ValidationException>(() => TextRules.PostText(text));

        Assert.Single(e.Errors);
        Assert.Contains("control characters", Assert.Single(e.Errors["text"]), StringComparison.Ordinal);
    }

    [Fact]
    public void PostText_LineFeeds_AreKept()
    {
        Assert.Equal("line one\nline two\n\n    indented\nlast", TextRules.PostText("line one\nline two\n\n    indented\nlast"));
    }

    [Fact]
    public void PostText_SurroundingWhitespace_IsTrimmed()
    {
        Assert.Equal("hello", TextRules.PostText("  \n hello \u3000\n "));
    }

    [Fact]
    public void PostText_Decomposed_IsNormalizedToNfc()
    {
        var result = TextRules.PostText("caf" + DecomposedE);

        Assert.Equal("caf\u00E9", result);
    }

    [Fact]
    public void PostText_WhitespaceAroundLongText_IsNotCounted()
    {
        Assert.Equal(500, TextRules.PostText("   " + Repeat("x", 500) + "\n\n").Length);
    }

    [Fact]
    public void PostText_LoneSurrogate_ThrowsValidationOnText()
    {
        var e = Assert.Throws<ValidationException>(() => TextRules.PostText("bad \uD83D here"));

        Assert.Contains("text", e.Errors.Keys);
    }

    [Fact]
    public void CommentText_SameBoundsAsPosts_AppliesToComments()
    {
        Assert.Equal(Repeat(ThumbsUpMediumSkin, 500), TextRules.CommentText(Repeat(ThumbsUpMediumSkin, 500)));
        Assert.Throws<ValidationException>(() => TextRules.CommentText(Repeat("a", 501)));
        Assert.Throws<ValidationException>(() => TextRules.CommentText("  "));
    }

    [Theory]
    [InlineData("A")]
    [InlineData("Ada Lovelace")]
    [InlineData(DecomposedE)]
    [InlineData(Family)]
    public void DisplayName_OneTo50_IsAccepted(string name)
    {
        Assert.Equal(name.Normalize(), TextRules.DisplayName(name));
    }

    [Fact]
    public void DisplayName_50Graphemes_IsAcceptedAnd51IsNot()
    {
        Assert.Equal(Repeat(Family, 50), TextRules.DisplayName(Repeat(Family, 50)));

        var e = Assert.Throws<ValidationException>(() => TextRules.DisplayName(Repeat("n", 51)));
        Assert.Equal(["Display name must be 1 to 50 characters; it has 51."], e.Errors["displayName"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void DisplayName_Empty_ThrowsValidationOnDisplayName(string? name)
    {
        var e = Assert.Throws<ValidationException>(() => TextRules.DisplayName(name));

        Assert.Equal(["Display name must not be empty."], e.Errors["displayName"]);
    }

    [Theory]
    [InlineData("two\nlines")]
    [InlineData("tab\there")]
    [InlineData("nul\u0000")]
    public void DisplayName_LineBreakTabOrControl_ThrowsValidationOnDisplayName(string name)
    {
        var e = Assert.Throws<ValidationException>(() => TextRules.DisplayName(name));

        Assert.StartsWith("Display name must be one line without control characters; it has U+00", Assert.Single(e.Errors["displayName"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData(" Writes code.\nLikes tea.\n ", "Writes code.\nLikes tea.")]
    public void Bio_EmptyOrText_IsNormalized(string? bio, string expected)
    {
        Assert.Equal(expected, TextRules.Bio(bio));
    }

    [Fact]
    public void Bio_160Graphemes_IsAcceptedAnd161IsNot()
    {
        Assert.Equal(160, TextRules.LengthOf(TextRules.Bio(Repeat(ThumbsUpMediumSkin, 160))));

        var e = Assert.Throws<ValidationException>(() => TextRules.Bio(Repeat(DecomposedE, 161)));
        Assert.Equal(["Bio must be at most 160 characters; it has 161."], e.Errors["bio"]);
    }

    [Fact]
    public void Bio_ControlCharacter_ThrowsValidationOnBio()
    {
        var e = Assert.Throws<ValidationException>(() => TextRules.Bio("hello\u0008"));

        Assert.Contains("bio", e.Errors.Keys);
    }

    [Theory]
    [InlineData("abc", 3)]
    [InlineData(DecomposedE, 1)]
    [InlineData(ThumbsUpMediumSkin, 1)]
    [InlineData(Family, 1)]
    [InlineData("\U0001F1EB\U0001F1F7", 1)]
    public void LengthOf_Graphemes_CountsAsAPersonDoes(string text, int expected)
    {
        Assert.Equal(expected, TextRules.LengthOf(text));
    }
}
