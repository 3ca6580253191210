using Social.Abstractions.ReadModels;
using Social.Api.Auth;
using Social.Domain.Errors;
using Social.Domain.Ids;

namespace Social.Api.Users;

/// <summary>API.md: a blocked user reading the blocker's posts or profile gets 404 (the blocker may still read theirs).</summary>
internal static class BlockedReaders
{
    public static async Task EnsureNotBlockedByAsync(this IReadModelQueries queries, UserId owner, HttpContext http, string notFound)
    {
        if (http.User.ReaderId() is { } reader && await queries.BlocksAsync(owner, reader))
        {
            throw new NotFoundException(notFound);
        }
    }
}
