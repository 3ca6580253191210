using System.ComponentModel.DataAnnotations;

namespace Social.Api.Auth;

/// <summary>The <c>Social:Jwt</c> configuration section: how access tokens are signed and checked.</summary>
public sealed class JwtOptions : IValidatableObject
{
    // Words that published example keys are made of (ours and the usual ones in documentation); no random key has them.
    private static readonly string[] s_exampleMarkers = ["example", "change-me", "changeme", "replace-me", "secret-key"];

    /// <summary>The configuration section.</summary>
    public const string Section = "Social:Jwt";

    /// <summary>
    /// The HMAC-SHA256 signing key: at least 32 bytes of random text. Never committed; a key that reads like a
    /// published example (k8s/secret.example.yaml) stops the host at start, since anyone could forge tokens with it.
    /// </summary>
    [Required]
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "social";

    public string Audience { get; set; } = "social";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LooksLikeAnExample(SigningKey))
        {
            yield return new ValidationResult(
                "Social:Jwt:SigningKey is an example value, with which anyone could sign tokens; set a random key " +
                "(for example openssl rand -base64 48).",
                [nameof(SigningKey)]);
        }
    }

    private static bool LooksLikeAnExample(string key) =>
        s_exampleMarkers.Any(marker => key.Contains(marker, StringComparison.OrdinalIgnoreCase));
}
