using Social.Abstractions.Users;
using Social.Domain.Ids;

namespace Social.Api.Auth;

/// <summary>Checks a handle and password, for the token endpoint and the administrators' sign-in page.</summary>
internal sealed class Credentials(IGrainFactory grains, PasswordHashing passwords)
{
    /// <summary>The user these credentials belong to, or null when the handle is unknown or the password wrong.</summary>
    public async Task<UserId?> VerifyAsync(string? handle, string? password)
    {
        if (string.IsNullOrEmpty(password) || !UserId.TryFromHandle(handle, out var user))
        {
            return null;
        }

        var hash = await grains.GetGrain<IUserGrain>(user.Value).GetPasswordHashAsync();
        return passwords.Verify(hash, password) ? user : null;
    }
}
