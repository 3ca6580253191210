using System.Diagnostics.CodeAnalysis;
using Social.Domain.Errors;

namespace Social.Domain.Text;

/// <summary>
/// Handles: 3 to 30 characters of a-z, 0-9 and _, checked as sent: a handle with anything else in it, white space or a
/// line break at either end included, is refused, never trimmed or otherwise changed into a valid one. Handles are
/// case-insensitive, so upper case is accepted and lower-cased.
/// </summary>
public static class Handle
{
    public const int MinLength = 3;
    public const int MaxLength = 30;
    public const string InvalidMessage = "Handle must be 3 to 30 characters of a-z, 0-9 and _.";

    /// <summary>Lower-cases a valid handle; throws a <see cref="ValidationException"/> (field "handle") for any other.</summary>
    public static string Normalize(string? handle) =>
        TryNormalize(handle, out var normalized) ? normalized : throw new ValidationException("handle", InvalidMessage);

    public static bool TryNormalize(string? handle, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (handle is null || handle.Length is < MinLength or > MaxLength)
        {
            return false;
        }

        foreach (var c in handle)
        {
            // ASCII only before lower-casing: some non-ASCII letters lower-case to ASCII ones (the Kelvin sign to 'k').
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        normalized = handle.ToLowerInvariant();
        return true;
    }
}
