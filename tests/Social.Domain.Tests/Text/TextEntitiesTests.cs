using Social.Domain.Text;
using Xunit;

namespace Social.Domain.Tests.Text;

/// <summary>API.md, "Mentions and hashtags".</summary>
public sealed class TextEntitiesTests
{
    [Theory]
    [InlineData("hi @alice", new[] { "alice" })]
    [InlineData("@Alice and @BOB_2, @alice again", new[] { "alice", "bob_2" })]
    [InlineData("(@carol) @dave. @erin's @frank!", new[] { "carol", "dave", "erin", "frank" })]
    [InlineData("line\n@alice", new[] { "alice" })]
    [InlineData("mail me at bob@example.com", new string[0])]
    [InlineData("x@alice", new string[0])]
    [InlineData("é@alice", new string[0])]
    [InlineData("@al and @", new string[0])]
    [InlineData("@abcdefghijklmnopqrstuvwxyz01234", new string[0])]
    [InlineData("@abcdefghijklmnopqrstuvwxyz0123", new[] { "abcdefghijklmnopqrstuvwxyz0123" })]
    [InlineData("@alicé is not alic", new string[0])]
    [InlineData("@@alice", new[] { "alice" })]
    public void Mentions_FollowTheHandleRules_NotInsideAWord_LowerCaseInOrderWithoutRepeats(string text, string[] expected)
    {
        Assert.Equal(expected, TextEntities.Mentions(text));
    }

    [Theory]
    [InlineData("#dotnet rocks", new[] { "dotnet" })]
    [InlineData("#Orleans #orleans #ORLEANS #redis", new[] { "orleans", "redis" })]
    [InlineData("#café #日本語 #русский", new[] { "café", "日本語", "русский" })]
    [InlineData("#2024 is no tag, #year2024 and #_ are", new[] { "year2024", "_" })]
    [InlineData("#١٢٣ (Arabic-Indic digits) is no tag either", new string[0])]
    [InlineData("C# and a#b are not tags", new string[0])]
    [InlineData("#, # and #! are not tags", new string[0])]
    [InlineData("(#tag).", new[] { "tag" })]
    [InlineData("#हिन्दी", new[] { "हिन्दी" })]
    public void Tags_FollowTheTagRules_NotInsideAWord_LowerCaseInOrderWithoutRepeats(string text, string[] expected)
    {
        Assert.Equal(expected, TextEntities.Tags(text));
    }

    [Fact]
    public void Tags_FiftyLettersIsATag_ALongerRunIsNone()
    {
        var fifty = new string('a', 50);

        Assert.Equal([fifty], TextEntities.Tags($"#{fifty}"));
        Assert.Empty(TextEntities.Tags($"#{fifty}b"));
    }

    [Theory]
    [InlineData("Rust", "rust")]
    [InlineData("CAFÉ_2", "café_2")]
    [InlineData("a1", "a1")]
    public void TryNormalizeTag_ATag_IsItsLowerCase(string name, string expected)
    {
        Assert.True(TextEntities.TryNormalizeTag(name, out var tag));
        Assert.Equal(expected, tag);
    }

    [Theory]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("two words")]
    [InlineData("#rust")]
    [InlineData("a-b")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void TryNormalizeTag_NotATag_IsRefused(string name)
    {
        Assert.False(TextEntities.TryNormalizeTag(name, out _));
    }
}
