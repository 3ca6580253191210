using Social.Domain.Ids;

namespace Social.Domain.Tests;

internal static class TestData
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);
    public static readonly UserId Alice = new("alice");
    public static readonly UserId Bob = new("bob");
    public static readonly UserId Carol = new("carol");
    public static readonly PostId Post1 = new("01JPB7Z3QK8M4N5P6R7S8T9V0W");
    public static readonly CommentId Comment1 = new("01JPB7Z4AA8M4N5P6R7S8T9V0W");
    public static readonly CommentId Comment2 = new("01JPB7Z4AB8M4N5P6R7S8T9V0W");

    /// <summary>Letters with a combining accent: each is two UTF-16 chars, one grapheme, one char after NFC.</summary>
    public const string DecomposedE = "e\u0301";

    /// <summary>Thumbs up with a skin tone: four UTF-16 chars, one grapheme.</summary>
    public const string ThumbsUpMediumSkin = "\U0001F44D\U0001F3FD";

    /// <summary>Man, woman, girl, boy joined by zero-width joiners: eleven UTF-16 chars, one grapheme.</summary>
    public const string Family = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466";

    public static string Repeat(string s, int count) => string.Concat(Enumerable.Repeat(s, count));
}
