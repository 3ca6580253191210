using System.Diagnostics.CodeAnalysis;
using Social.Domain.Errors;

namespace Social.Domain.Text;

/// <summary>Handles: 3 to 30 characters of a-z, 0-9 and _; upper case is accepted and lower-cased.</summary>
public static class Handle
{
    public const int MinLength = 3;
    public const int MaxLength = 30;
    public const string InvalidMessage = "Handle must be 3 to 30 characters of a-z, 0-9 and _.";

    /// <summary>Trims and lower-cases a handle; throws a <see cref="ValidationException"/> (field "handle").</summary>
    public static string Normalize(string? handle) =>
        TryNormalize(handle, out var normalized) ? normalized : throw new ValidationException("handle", InvalidMessage);

    public static bool TryNormalize(string? handle, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        var trimmed = handle?.Trim();
        if (trimmed is null || trimmed.Length is < MinLength or > MaxLength)
        {
            return false;
        }

        foreach (var c in trimmed)
        {
            // ASCII only before lower-casing: some non-ASCII letters lower-case to ASCII ones (the Kelvin sign to 'k').
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        normalized = trimmed.ToLowerInvariant();
        return true;
    }
}
