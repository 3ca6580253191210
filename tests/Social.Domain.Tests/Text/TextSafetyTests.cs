using Social.Domain.Errors;
using Social.Domain.Text;
using Xunit;
using static Social.Domain.Tests.TestData;

namespace Social.Domain.Tests.Text;

/// <summary>
/// API.md, "Account security": text holding control characters (posts, comments and bios may hold line feeds),
/// bidirectional overrides or isolates, or (for posts, comments and display names) nothing visible is refused; post and
/// comment texts are at most 2 000 UTF-16 code units; a handle is refused as sent.
/// </summary>
public sealed class TextSafetyTests
{
    /// <summary>The validators by name, with their field.</summary>
    private static readonly Dictionary<string, (Func<string?, string> Validate, string Field)> _rules = new()
    {
        ["post"] = (TextRules.PostText, "text"),
        ["comment"] = (TextRules.CommentText, "text"),
        ["displayName"] = (TextRules.DisplayName, "displayName"),
        ["bio"] = (TextRules.Bio, "bio"),
    };

    private static readonly string[] _multiline = ["post", "comment", "bio"];
    private static readonly string[] _mustBeVisible = ["post", "comment", "displayName"];

    /// <summary>Every control character (Unicode category Cc) but the line feed: C0, DEL and C1.</summary>
    private static IEnumerable<int> ControlsButLineFeed =>
        Enumerable.Range(0x00, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Where(c => c != 0x0A);

    private static readonly int[] _bidiOverridesAndIsolates = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069];

    private static readonly string[] _nothingVisible =
    [
        "\u200B", // zero-width space (Cf)
        "\u200C\u200D", // zero-width non-joiner and joiner (Cf)
        "\u2060\u2061\u2062\u2063\u2064", // word joiner and the invisible operators (Cf)
        "\uFEFF", // zero-width no-break space (Cf)
        "\u00AD", // soft hyphen (Cf)
        "\u180E", // Mongolian vowel separator (Cf)
        "\u200E\u200F\u061C", // the directional marks, allowed in text, but not by themselves (Cf)
        "\u034F", // combining grapheme joiner (Mn)
        "\u0301", // a combining mark without a base (Mn)
        "\u0301\u0301\u0308", // several
        "\u20DD", // an enclosing mark (Me)
        "\u0903", // a spacing combining mark (Mc), still without a base
        "\uFE0F", // a variation selector (Mn)
        "\U000E0100", // a supplementary variation selector (Mn)
        "\u3164", // Hangul filler (Lo, but default-ignorable)
        "\u115F\u1160\uFFA0", // the other Hangul fillers
        "\u2800", // Braille pattern blank (So, drawn as nothing)
        "\U000E0020\U000E0041\U000E007F", // tag characters (Cf)
        "\U0001D173", // musical symbol begin beam (Cf)
        "\u3000\u00A0\u2002", // spaces (Zs) only
        " \u200B \u2060 \uFE0F ", // a mix
    ];

    // Visible: a base character is there, whatever invisible characters come with it.
    private static readonly string[] _visible =
    [
        "a",
        ".",
        "_",
        "7",
        DecomposedE,
        "\u0915\u093F", // Devanagari KI: a letter and a spacing vowel sign
        ThumbsUpMediumSkin,
        Family,
        "\U0001F1EB\U0001F1F7", // a flag
        "1\uFE0F\u20E3", // keycap one
        "\u2764\uFE0F", // red heart with its emoji variation selector
        "\uE000", // private use: drawn by the fonts that define it
        "a\u200Bb", // a zero-width space inside text
        "\u200F\u05E9\u05DC\u05D5\u05DD", // a right-to-left mark before Hebrew
        "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645", // Persian with a zero-width non-joiner
        "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", // the flag of England: tag characters after a base
    ];

    public static TheoryData<string, int> RulesAndControls => Product(_rules.Keys, ControlsButLineFeed);

    public static TheoryData<string, int> RulesAndBidiControls => Product(_rules.Keys, _bidiOverridesAndIsolates);

    public static TheoryData<string, string> VisibleRulesAndInvisibleTexts => Product(_mustBeVisible, _nothingVisible);

    public static TheoryData<string, string> RulesAndVisibleTexts => Product(_rules.Keys, _visible);

    public static TheoryData<string> InvisibleTexts => [.. _nothingVisible];

    public static TheoryData<string> MultilineRules => [.. _multiline];

    [Theory]
    [MemberData(nameof(RulesAndControls))]
    public void Validate_ControlCharacterAnywhere_IsRefusedOnItsField(string rule, int control)
    {
        var c = ((char)control).ToString();
        foreach (var text in new[] { $"before{c}after", $"{c}first", $"last{c}", $"  {c}  spaced  {c}  " })
        {
            var e = AssertRefused(rule, text);

            Assert.Contains("control characters", Assert.Single(e.Errors[_rules[rule].Field]), StringComparison.Ordinal);
            Assert.Contains($"U+{control:X4}", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(RulesAndBidiControls))]
    public void Validate_BidiOverrideOrIsolate_IsRefusedOnItsField(string rule, int control)
    {
        var c = ((char)control).ToString();
        foreach (var text in new[] { $"abc{c}def", $"{c}abc", $"abc{c}", $"\u05D0{c}\u05D1\u2069" })
        {
            var e = AssertRefused(rule, text);

            Assert.Contains("bidirectional", Assert.Single(e.Errors[_rules[rule].Field]), StringComparison.Ordinal);
            Assert.Contains($"U+{control:X4}", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(VisibleRulesAndInvisibleTexts))]
    public void Validate_NothingVisible_IsRefusedOnItsField(string rule, string text)
    {
        var e = AssertRefused(rule, text);

        Assert.Single(e.Errors[_rules[rule].Field]);
    }

    [Theory]
    [MemberData(nameof(InvisibleTexts))]
    public void Bio_NothingVisible_IsAccepted(string bio)
    {
        // A bio may be empty, so a bio of invisible characters only is not refused for it (only trimmed).
        Assert.Equal(bio.Normalize().Trim(), TextRules.Bio(bio));
    }

    [Theory]
    [MemberData(nameof(RulesAndVisibleTexts))]
    public void Validate_VisibleText_IsAccepted(string rule, string text)
    {
        Assert.Equal(text.Normalize(), _rules[rule].Validate(text));
    }

    [Theory]
    [MemberData(nameof(MultilineRules))]
    public void Validate_LineFeeds_AreKeptInPostsCommentsAndBios(string rule)
    {
        Assert.Equal("one\ntwo\n\nthree", _rules[rule].Validate("one\ntwo\n\nthree"));
        Assert.Equal("trimmed", _rules[rule].Validate("\n\ntrimmed\n"));
    }

    [Theory]
    [InlineData("two\nlines")]
    [InlineData("trailing line feed\n")]
    [InlineData("\nleading line feed")]
    [InlineData("line\u2028separator")]
    [InlineData("paragraph\u2029separator")]
    public void DisplayName_LineBreak_IsRefused(string name)
    {
        var e = Assert.Throws<ValidationException>(() => TextRules.DisplayName(name));

        Assert.Contains("one line", Assert.Single(e.Errors["displayName"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("post")]
    [InlineData("comment")]
    public void Validate_2000Utf16CodeUnits_IsAcceptedAnd2001IsNot(string rule)
    {
        // "x" has no precomposed form with an acute accent: normalization keeps every mark, so n marks are n + 1 units.
        var fits = "x" + new string('\u0301', 1_999);
        Assert.Equal(fits, _rules[rule].Validate(fits));
        Assert.Equal(2_000, _rules[rule].Validate(Repeat(ThumbsUpMediumSkin, 500)).Length);

        var e = AssertRefused(rule, "x" + new string('\u0301', 2_000));
        Assert.Equal(["Text must be at most 2000 UTF-16 code units; it has 2001."], e.Errors["text"]);
    }

    [Theory]
    [InlineData("post")]
    [InlineData("comment")]
    public void Validate_OneLetterAnd31000CombiningMarks_IsRefused(string rule)
    {
        var e = AssertRefused(rule, "x" + new string('\u0301', 31_000));

        Assert.Equal(["Text must be at most 2000 UTF-16 code units; it has 31001."], e.Errors["text"]);
    }

    [Theory]
    [InlineData("post")]
    [InlineData("comment")]
    public void Validate_181FamilyEmojiAreAccepted_182AreNot(string rule)
    {
        Assert.Equal(1_991, _rules[rule].Validate(Repeat(Family, 181)).Length);

        var e = AssertRefused(rule, Repeat(Family, 182));
        Assert.Equal(["Text must be at most 2000 UTF-16 code units; it has 2002."], e.Errors["text"]);
    }

    [Fact]
    public void Utf16Limit_CountsTheNormalizedText()
    {
        // "e" and four acute accents is five units as sent and four once normalized ("é" and three accents): 500 of
        // them are 2 500 units as sent and 2 000 as stored, and what is stored is what counts.
        const string accented = "e\u0301\u0301\u0301\u0301";
        Assert.Equal(2_500, Repeat(accented, 500).Length);

        Assert.Equal(2_000, TextRules.PostText(Repeat(accented, 500)).Length);
    }

    [Theory]
    [InlineData("abc\n")]
    [InlineData("abc\r\n")]
    [InlineData(" abc")]
    [InlineData("abc ")]
    [InlineData("  bob  ")]
    [InlineData("\tabc")]
    [InlineData("abc\u00A0")]
    [InlineData("\u3000abc")]
    [InlineData("abc\u200B")]
    [InlineData("\uFEFFabc")]
    public void Handle_ValidOnlyOnceTrimmed_IsRefusedAsSent(string handle)
    {
        var e = Assert.Throws<ValidationException>(() => Handle.Normalize(handle));

        Assert.Equal(["handle"], e.Errors.Keys);
        Assert.False(Handle.TryNormalize(handle, out _));
    }

    private static ValidationException AssertRefused(string rule, string text)
    {
        var (validate, field) = _rules[rule];
        var e = Assert.Throws<ValidationException>(() => validate(text));
        Assert.Equal([field], e.Errors.Keys);
        return e;
    }

    private static TheoryData<string, T> Product<T>(IEnumerable<string> rules, IEnumerable<T> values)
    {
        var data = new TheoryData<string, T>();
        foreach (var rule in rules)
        {
            foreach (var value in values)
            {
                data.Add(rule, value);
            }
        }

        return data;
    }
}
