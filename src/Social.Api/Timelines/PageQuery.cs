using Social.Abstractions.ReadModels;
using Social.Domain.Errors;

namespace Social.Api.Timelines;

/// <summary>Reads and checks <c>?limit=</c>, <c>?cursor=</c> and <c>?since=</c> of a list request.</summary>
internal static class PageQuery
{
    public static PageRequest From(int? limit, string? cursor, Func<string, bool> isValidCursor, string? since = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > PageRequest.MaxLimit)
        {
            errors["limit"] = [$"Limit must be 1 to {PageRequest.MaxLimit}."];
        }

        if (cursor is not null && !isValidCursor(cursor))
        {
            errors["cursor"] = ["Cursor must be a nextCursor value from a previous page."];
        }

        if (since is not null && !isValidCursor(since))
        {
            errors["since"] = ["Since must be the id of a post."];
        }

        return errors.Count > 0
            ? throw new ValidationException(errors)
            : new PageRequest(limit ?? PageRequest.DefaultLimit, cursor, since);
    }
}
