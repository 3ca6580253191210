using System.Globalization;
using System.Text;
using Social.Domain.Errors;

namespace Social.Domain.Text;

/// <summary>
/// Rules for the texts people write (API.md, "Account security"). A text is refused when, as sent, it holds
/// <list type="bullet">
/// <item>a control character (Unicode category Cc: C0, DEL and C1; tab and carriage return included). Posts, comments
/// and bios may hold line feeds (U+000A), the one line break they keep; a display name is one line, so it holds none,
/// nor a line or paragraph separator (U+2028, U+2029);</item>
/// <item>a bidirectional override or isolate (U+202A to U+202E, U+2066 to U+2069, see
/// <see cref="CodePoints.IsBidiOverrideOrIsolate"/>);</item>
/// <item>for posts, comments and display names, nothing visible (<see cref="CodePoints.IsVisible"/>): white space,
/// invisible format characters, marks without a base and the like. A bio may be empty.</item>
/// </list>
/// These are checked before anything is changed, so trimming cannot hide a control character. An accepted text is
/// normalized to Unicode NFC and trimmed of white space at either end. Its length is counted in grapheme clusters, as
/// a person counts characters (an emoji with a skin tone, a family emoji, or "e" with a combining accent is one), and
/// for posts and comments also in UTF-16 code units, at most 2 000: one grapheme cluster may hold any number of
/// combining marks. Each validator returns the text to store or throws a <see cref="ValidationException"/> naming its
/// field.
/// </summary>
public static class TextRules
{
    public const int PostTextMaxLength = 500;
    public const int CommentTextMaxLength = 500;
    public const int DisplayNameMaxLength = 50;
    public const int BioMaxLength = 160;

    /// <summary>The most UTF-16 code units a post's text may have, once normalized (4 per character on average).</summary>
    public const int PostTextMaxUtf16Length = 2000;

    /// <summary>The most UTF-16 code units a comment's text may have, once normalized.</summary>
    public const int CommentTextMaxUtf16Length = 2000;

    private static readonly Rule PostRule = new("text", "Text", 1, PostTextMaxLength, PostTextMaxUtf16Length, LineFeeds: true, MustBeVisible: true);
    private static readonly Rule CommentRule = new("text", "Text", 1, CommentTextMaxLength, CommentTextMaxUtf16Length, LineFeeds: true, MustBeVisible: true);
    private static readonly Rule DisplayNameRule = new("displayName", "Display name", 1, DisplayNameMaxLength, null, LineFeeds: false, MustBeVisible: true);
    private static readonly Rule BioRule = new("bio", "Bio", 0, BioMaxLength, null, LineFeeds: true, MustBeVisible: false);

    /// <summary>Post text: 1 to 500 characters, at most 2 000 UTF-16 code units, something visible (field "text").</summary>
    public static string PostText(string? text) => Check(PostRule, text);

    /// <summary>Comment text: as a post's (field "text").</summary>
    public static string CommentText(string? text) => Check(CommentRule, text);

    /// <summary>Display name: 1 to 50 characters on one line, something visible (field "displayName").</summary>
    public static string DisplayName(string? displayName) => Check(DisplayNameRule, displayName);

    /// <summary>Bio: 0 to 160 characters; null is the empty bio (field "bio").</summary>
    public static string Bio(string? bio) => Check(BioRule, bio);

    /// <summary>Length as a person counts it: grapheme clusters.</summary>
    public static int LengthOf(string text) => new StringInfo(text).LengthInTextElements;

    private static string Check(Rule rule, string? input)
    {
        var sent = input ?? string.Empty;
        RefuseForbiddenCharacters(rule, sent);
        var text = Normalize(sent, rule.Field);

        var length = LengthOf(text);
        if (rule.Min > 0 && length == 0)
        {
            throw new ValidationException(rule.Field, $"{rule.Label} must not be empty.");
        }

        if (rule.MustBeVisible && !CodePoints.AnyVisible(text))
        {
            throw new ValidationException(rule.Field,
                $"{rule.Label} must hold something visible, not only spaces, invisible characters or marks without a letter.");
        }

        if (length < rule.Min || length > rule.Max)
        {
            throw new ValidationException(rule.Field, rule.Min == 0
                ? $"{rule.Label} must be at most {rule.Max} characters; it has {length}."
                : $"{rule.Label} must be {rule.Min} to {rule.Max} characters; it has {length}.");
        }

        if (text.Length > rule.MaxUtf16Length)
        {
            throw new ValidationException(rule.Field, $"{rule.Label} must be at most {rule.MaxUtf16Length} UTF-16 code units; it has {text.Length}.");
        }

        return text;
    }

    /// <summary>Lone surrogates, control characters, bidirectional overrides and isolates, line breaks in one line.</summary>
    private static void RefuseForbiddenCharacters(Rule rule, string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ValidationException(rule.Field, "The text contains an invalid character (a lone UTF-16 surrogate).");
            }
            else if (IsForbiddenBreakOrControl(rule, c))
            {
                throw new ValidationException(rule.Field, rule.LineFeeds
                    ? $"{rule.Label} must not contain control characters other than line feeds (U+000A); it has {CodePoint(c)}."
                    : $"{rule.Label} must be one line without control characters; it has {CodePoint(c)}.");
            }
            else if (CodePoints.IsBidiOverrideOrIsolate(c))
            {
                throw new ValidationException(rule.Field,
                    $"{rule.Label} must not contain bidirectional overrides or isolates (U+202A to U+202E, U+2066 to U+2069); it has {CodePoint(c)}.");
            }
        }
    }

    // Every control character but the line feed where lines are allowed; where they are not, the line feed and the line
    // and paragraph separators too.
    private static bool IsForbiddenBreakOrControl(Rule rule, char c) =>
        rule.LineFeeds ? char.IsControl(c) && c != '\n' : char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>NFC, then trimmed of white space at either end (spaces, and line feeds where allowed).</summary>
    private static string Normalize(string text, string field)
    {
        if (text.Length == 0)
        {
            return text;
        }

        try
        {
            return text.Normalize(NormalizationForm.FormC).Trim();
        }
        catch (ArgumentException)
        {
            // Normalization rejects some noncharacters (U+FFFE); they have no place in a post either.
            throw new ValidationException(field, "The text contains an invalid character (a Unicode noncharacter such as U+FFFE).");
        }
    }

    private static string CodePoint(char c) => $"U+{(int)c:X4}";

    /// <param name="Field">The request field that errors name.</param>
    /// <param name="Label">How messages name the text.</param>
    /// <param name="Min">The fewest characters (grapheme clusters).</param>
    /// <param name="Max">The most characters.</param>
    /// <param name="MaxUtf16Length">The most UTF-16 code units, if limited.</param>
    /// <param name="LineFeeds">Whether line feeds are allowed; if not, the text is one line.</param>
    /// <param name="MustBeVisible">Whether the text must hold something visible.</param>
    private sealed record Rule(string Field, string Label, int Min, int Max, int? MaxUtf16Length, bool LineFeeds, bool MustBeVisible);
}
