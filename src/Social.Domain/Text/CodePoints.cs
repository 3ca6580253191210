using System.Globalization;
using System.Text;

namespace Social.Domain.Text;

/// <summary>What the text rules need to know of single code points: which are invisible, which reorder text.</summary>
internal static class CodePoints
{
    /// <summary>
    /// The bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069): they reorder the text
    /// after them, so that what is displayed differs from what is stored (a file name or a link that reads backwards,
    /// text that spills over into the rest of the page). The directional marks (U+200E, U+200F, U+061C) only nudge
    /// the neighbouring characters and stay allowed: right-to-left writing needs them.
    /// </summary>
    public static bool IsBidiOverrideOrIsolate(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    /// <summary>
    /// Whether a code point shows something by itself. These do not:
    /// <list type="bullet">
    /// <item>white space and control characters: the space separators (Zs), the line and paragraph separators (Zl,
    /// Zp) and the controls (Cc);</item>
    /// <item>format characters (Cf): the zero-width space, the joiners and the word joiner, the zero-width no-break
    /// space (a BOM), the soft hyphen, the directional marks, the invisible operators, tag characters;</item>
    /// <item>marks (Mn, Mc, Me): a combining mark is drawn on the character before it, so marks with no such base show
    /// nothing of their own (at most the dotted circle a renderer draws for a missing base). The variation selectors
    /// are marks (Mn) too;</item>
    /// <item>default-ignorable code points (Unicode's Default_Ignorable_Code_Point property, which a renderer that does
    /// not support them must draw as nothing) whatever their category: the Hangul fillers are letters (Lo) drawn as
    /// blank space, and some unassigned ranges are reserved for more such characters;</item>
    /// <item>U+2800 BRAILLE PATTERN BLANK, a symbol (So) drawn as blank space, often used for names that look empty.</item>
    /// </list>
    /// Everything else shows: letters, digits, punctuation, symbols, private-use characters (drawn by the fonts that
    /// define them) and unassigned code points outside the default-ignorable ranges (a newer Unicode than the runtime's
    /// may have given them a glyph: the benefit of the doubt).
    /// </summary>
    public static bool IsVisible(Rune rune)
    {
        if (IsDefaultIgnorable(rune.Value) || rune.Value == 0x2800)
        {
            return false;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate => false,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => false,
            _ => true,
        };
    }

    /// <summary>Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), all of it.</summary>
    public static bool IsDefaultIgnorable(int c) => c switch
    {
        0x00AD or 0x034F or 0x061C => true,
        >= 0x115F and <= 0x1160 => true,
        >= 0x17B4 and <= 0x17B5 => true,
        >= 0x180B and <= 0x180F => true,
        >= 0x200B and <= 0x200F => true,
        >= 0x202A and <= 0x202E => true,
        >= 0x2060 and <= 0x206F => true,
        0x3164 => true,
        >= 0xFE00 and <= 0xFE0F => true,
        0xFEFF or 0xFFA0 => true,
        >= 0xFFF0 and <= 0xFFF8 => true,
        >= 0x1BCA0 and <= 0x1BCA3 => true,
        >= 0x1D173 and <= 0x1D17A => true,
        >= 0xE0000 and <= 0xE0FFF => true,
        _ => false,
    };

    /// <summary>Whether any code point of <paramref name="text"/> is visible (<see cref="IsVisible"/>).</summary>
    public static bool AnyVisible(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsVisible(rune))
            {
                return true;
            }
        }

        return false;
    }
}
