using System.Globalization;
using System.Text;
using Social.Domain.Errors;

namespace Social.Domain.Text;

/// <summary>
/// Rules for the texts people write. A text is normalized to Unicode NFC, line breaks become
/// "\n", and it is trimmed; its length is counted in grapheme clusters, as a person counts
/// characters (an emoji with a skin tone, a family emoji, or "e" with a combining accent is one).
/// Each validator returns the normalized text or throws a <see cref="ValidationException"/>.
/// </summary>
public static class TextRules
{
    public const int PostTextMaxLength = 500;
    public const int CommentTextMaxLength = 500;
    public const int DisplayNameMaxLength = 50;
    public const int BioMaxLength = 160;

    /// <summary>Post text: 1 to 500 characters (field "text").</summary>
    public static string PostText(string? text) => Check("text", "Text", text, 1, PostTextMaxLength, multiline: true);

    /// <summary>Comment text: 1 to 500 characters (field "text").</summary>
    public static string CommentText(string? text) => Check("text", "Text", text, 1, CommentTextMaxLength, multiline: true);

    /// <summary>Display name: 1 to 50 characters on one line (field "displayName").</summary>
    public static string DisplayName(string? displayName) =>
        Check("displayName", "Display name", displayName, 1, DisplayNameMaxLength, multiline: false);

    /// <summary>Bio: 0 to 160 characters; null is the empty bio (field "bio").</summary>
    public static string Bio(string? bio) => Check("bio", "Bio", bio, 0, BioMaxLength, multiline: true);

    /// <summary>Length as a person counts it: grapheme clusters.</summary>
    public static int LengthOf(string text) => new StringInfo(text).LengthInTextElements;

    /// <summary>NFC, "\r\n" and "\r" as "\n", trimmed; null becomes empty.</summary>
    /// <exception cref="ValidationException">When the text is not valid UTF-16 (a lone surrogate) or holds a code point Unicode forbids in text.</exception>
    public static string Normalize(string? text, string field = "text")
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (!IsWellFormed(text))
        {
            throw new ValidationException(field, "The text contains an invalid character (a lone UTF-16 surrogate).");
        }

        string normalized;
        try
        {
            normalized = text.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // Normalization rejects some noncharacters (U+FFFE); they have no place in a post either.
            throw new ValidationException(field, "The text contains an invalid character (a Unicode noncharacter such as U+FFFE).");
        }

        if (normalized.Contains('\r', StringComparison.Ordinal))
        {
            normalized = normalized.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }

        return normalized.Trim();
    }

    internal static string Check(string field, string label, string? input, int min, int max, bool multiline)
    {
        var text = Normalize(input, field);
        if (ContainsForbiddenControl(text, multiline))
        {
            throw new ValidationException(field, multiline
                ? $"{label} must not contain control characters other than line breaks and tabs."
                : $"{label} must be one line without control characters.");
        }

        var length = LengthOf(text);
        if (length < min || length > max)
        {
            var message = (min, length) switch
            {
                (> 0, 0) => $"{label} must not be empty.",
                (0, _) => $"{label} must be at most {max} characters; it has {length}.",
                _ => $"{label} must be {min} to {max} characters; it has {length}.",
            };
            throw new ValidationException(field, message);
        }

        return text;
    }

    private static bool ContainsForbiddenControl(string text, bool multiline)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && !(multiline && c is '\n' or '\t'))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
