using System.ComponentModel.DataAnnotations;

namespace Social.Api.Auth;

/// <summary>The <c>Social:Jwt</c> configuration section: how access tokens are signed and checked.</summary>
public sealed class JwtOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:Jwt";

    /// <summary>The HMAC-SHA256 signing key: at least 32 bytes of random text. Never committed.</summary>
    [Required]
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "social";

    public string Audience { get; set; } = "social";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
