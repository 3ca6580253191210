using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Social.Domain.Ids;

namespace Social.Api.Auth;

/// <summary>Issues the access tokens that <c>POST /api/auth/token</c> returns.</summary>
internal sealed class TokenIssuer(IOptions<JwtOptions> options, TimeProvider clock)
{
    public const string HandleClaim = JwtRegisteredClaimNames.Sub;

    /// <summary>The one algorithm tokens are signed, and accepted, with.</summary>
    public const string Algorithm = SecurityAlgorithms.HmacSha256;

    private readonly JwtOptions _jwt = options.Value;
    private readonly SigningCredentials _credentials = new(AuthSetup.SigningKey(options.Value), Algorithm);
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>A token for <paramref name="user"/>, good until it expires or the user's security stamp moves on from <paramref name="securityStamp"/>.</summary>
    public TokenResponse Issue(UserId user, int securityStamp)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _jwt.Issuer,
            Audience = _jwt.Audience,
            Subject = new ClaimsIdentity([new Claim(HandleClaim, user.Value), SecurityStamps.ClaimFor(securityStamp)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(_jwt.AccessTokenLifetime),
            SigningCredentials = _credentials,
        });
        return new TokenResponse(token, (int)_jwt.AccessTokenLifetime.TotalSeconds);
    }
}

/// <summary>The body of a successful token request.</summary>
/// <param name="AccessToken">The bearer token.</param>
/// <param name="ExpiresIn">Seconds until it expires.</param>
public sealed record TokenResponse(string AccessToken, int ExpiresIn);
