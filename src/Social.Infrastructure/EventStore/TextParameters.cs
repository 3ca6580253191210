using Npgsql;

namespace Social.Infrastructure.EventStore;

/// <summary>Positional text parameters (<c>$1</c>, <c>$2</c>, …) in the order given.</summary>
internal static class TextParameters
{
    public static void AddTexts(this NpgsqlParameterCollection parameters, params string[] values)
    {
        foreach (var value in values)
        {
            parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        }
    }
}
