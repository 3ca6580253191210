using System.Buffers;
using System.Globalization;
using System.Text;

namespace Social.Domain.Text;

/// <summary>
/// The <c>@mentions</c> and <c>#tags</c> of a post or comment (API.md, "Mentions and hashtags"): pure functions of the
/// text, meant to be called once, when a post or comment is made, with the results recorded in its event, so that
/// projections and rebuilds never parse again (and never differently).
/// Both start a word: an <c>@</c> or <c>#</c> right after a letter, digit, mark or <c>_</c> (an e-mail address,
/// <c>C#</c>) starts nothing. Both are a whole run of word characters: a run that breaks the rules (too long, a
/// character a handle cannot have) is no mention or tag at all, never a shortened one. Results are lower case, in
/// order of first appearance, without repeats.
/// </summary>
public static class TextEntities
{
    public const int MaxTagLength = 50;

    /// <summary>The handles mentioned: runs of 3 to 30 of a-z, 0-9 and _ after an <c>@</c>.</summary>
    public static IReadOnlyList<string> Mentions(string text) =>
        Runs(text, '@').Select(run => Handle.TryNormalize(run, out var handle) ? handle : null).OfType<string>().Distinct().ToList();

    /// <summary>The tags: runs of 1 to 50 letters (any script), digits and _ after a <c>#</c>, not only digits.</summary>
    public static IReadOnlyList<string> Tags(string text) =>
        Runs(text, '#').Where(IsTag).Select(run => run.ToLowerInvariant()).Distinct().ToList();

    /// <summary>A tag as a client names it (without the <c>#</c>), in lower case; false when it cannot be a tag.</summary>
    public static bool TryNormalizeTag(string name, out string tag)
    {
        tag = Tags("#" + name) is [var only] && only == name.ToLowerInvariant() ? only : string.Empty;
        return tag.Length > 0;
    }

    // A run holds word characters only (letters with their combining marks, digits, _): it is a tag when it is short
    // enough and not only digits, of any script.
    private static bool IsTag(string run)
    {
        var runes = run.EnumerateRunes().ToList();
        return runes.Count <= MaxTagLength && !runes.All(Rune.IsDigit);
    }

    // The word characters after each sigil that starts a word.
    private static IEnumerable<string> Runs(string text, char sigil)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != sigil || (i > 0 && IsWordBefore(text, i)))
            {
                continue;
            }

            var end = i + 1;
            while (end < text.Length && IsWordAt(text, end, out var width))
            {
                end += width;
            }

            if (end > i + 1)
            {
                yield return text[(i + 1)..end];
            }

            i = end - 1;
        }
    }

    private static bool IsWordBefore(string text, int index)
    {
        var start = char.IsLowSurrogate(text[index - 1]) && index >= 2 ? index - 2 : index - 1;
        return IsWordAt(text, start, out _);
    }

    private static bool IsWordAt(string text, int index, out int width)
    {
        if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out width) != OperationStatus.Done)
        {
            width = 1;
            return false;
        }

        return Rune.IsLetterOrDigit(rune) || rune.Value == '_' || IsMark(rune);
    }

    private static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
