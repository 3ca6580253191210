using Social.Domain.Errors;

namespace Social.Domain.Text;

/// <summary>
/// Passwords: 8 to 128 characters, counted as Unicode code points (an emoji made of a surrogate
/// pair is one). A password is neither trimmed nor normalized: every character is significant,
/// so the caller hashes exactly what it received, at registration and at sign-in alike.
/// </summary>
public static class PasswordRules
{
    public const int MinLength = 8;
    public const int MaxLength = 128;
    public const string InvalidMessage = "Password must be 8 to 128 characters.";

    /// <summary>Returns the password unchanged, or throws a <see cref="ValidationException"/> naming <paramref name="field"/>.</summary>
    public static string Validate(string? password, string field = "password")
    {
        if (password is null || password.Length < MinLength)
        {
            throw new ValidationException(field, InvalidMessage);
        }

        var count = 0;
        for (var i = 0; i < password.Length; i++)
        {
            if (char.IsHighSurrogate(password[i]) && i + 1 < password.Length && char.IsLowSurrogate(password[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(password[i]))
            {
                throw new ValidationException(field, "Password contains an invalid character (a lone UTF-16 surrogate).");
            }

            count++;
        }

        return count is < MinLength or > MaxLength
            ? throw new ValidationException(field, InvalidMessage)
            : password;
    }
}
