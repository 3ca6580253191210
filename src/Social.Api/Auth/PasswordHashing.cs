using Microsoft.AspNetCore.Identity;
using Social.Domain.Ids;

namespace Social.Api.Auth;

/// <summary>Salted slow password hashes (ASP.NET Core's PBKDF2 <see cref="PasswordHasher{TUser}"/>).</summary>
internal sealed class PasswordHashing
{
    private readonly PasswordHasher<string> _hasher = new();

    // Checked when the handle is unknown, so that a wrong handle costs as long as a wrong password.
    private readonly string _decoy;

    public PasswordHashing() => _decoy = _hasher.HashPassword("", Guid.NewGuid().ToString());

    public string Hash(UserId user, string password) => _hasher.HashPassword(user.Value, password);

    public bool Verify(string? storedHash, string password)
    {
        var result = _hasher.VerifyHashedPassword("", storedHash ?? _decoy, password);
        return storedHash is not null && result != PasswordVerificationResult.Failed;
    }
}
