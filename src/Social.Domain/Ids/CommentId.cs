using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Social.Domain.Ids;

/// <summary>A comment's id: time-sortable (ULID-style), so ordinal order is creation order.</summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Ids.CommentId")]
[JsonConverter(typeof(CommentIdJsonConverter))]
public readonly record struct CommentId([property: Id(0)] string Value) : IComparable<CommentId>
{
    /// <summary>The creation time encoded in the id (millisecond precision).</summary>
    public DateTimeOffset CreatedAt => SortableId.TimeOf(Value);

    public static CommentId New(DateTimeOffset now) => new(SortableId.New(now));

    /// <summary>Accepts 26 Crockford base32 characters in either case; the id holds the upper-case form.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out CommentId id)
    {
        var ok = SortableId.TryParse(s, out var canonical);
        id = ok ? new CommentId(canonical) : default;
        return ok;
    }

    public int CompareTo(CommentId other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value ?? string.Empty;
}
