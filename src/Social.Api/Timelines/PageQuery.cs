using System.Globalization;
using Social.Abstractions.ReadModels;
using Social.Domain.Errors;

namespace Social.Api.Timelines;

/// <summary>Reads and checks <c>?limit=</c>, <c>?cursor=</c> and <c>?since=</c> of a list request.</summary>
internal static class PageQuery
{
    public static readonly string LimitRule = $"Limit must be a whole number from 1 to {PageRequest.MaxLimit}.";

    // limit arrives as text and is read here, not by the framework: a value the framework cannot bind to a number
    // would be refused in its own words ("Failed to bind parameter \"Nullable<int> limit\""), and "1e9" or "ten" is
    // the same mistake as "0" or "101", which deserves the same answer. A cursor and since are ids: canonical gives an
    // id's canonical form (ids are case-insensitive, the read models compare them as stored), or null for no id.
    public static PageRequest From(string? limit, string? cursor, Func<string, string?> canonical, string? since = null)
    {
        var errors = new Dictionary<string, string[]>();
        var size = PageRequest.DefaultLimit;
        if (limit is not null && !TryParseLimit(limit, out size))
        {
            errors["limit"] = [LimitRule];
        }

        var after = cursor is null ? null : canonical(cursor);
        if (cursor is not null && after is null)
        {
            errors["cursor"] = ["Cursor must be a nextCursor value from a previous page."];
        }

        var newerThan = since is null ? null : canonical(since);
        if (since is not null && newerThan is null)
        {
            errors["since"] = ["Since must be the id of an item of this list (the newest the client has)."];
        }

        return errors.Count > 0
            ? throw new ValidationException(errors)
            : new PageRequest(size, after, newerThan);
    }

    // As the framework reads an int from a query string (NumberStyles.Integer, invariant culture), so that every value
    // accepted before is accepted still.
    private static bool TryParseLimit(string text, out int limit) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= PageRequest.MaxLimit;
}
