using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Social.Domain.Ids;

/// <summary>A post's id: time-sortable (ULID-style), so ordinal order is creation order.</summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Ids.PostId")]
[JsonConverter(typeof(PostIdJsonConverter))]
public readonly record struct PostId([property: Id(0)] string Value) : IComparable<PostId>
{
    /// <summary>The name of this post's event stream.</summary>
    public string StreamId => "post-" + Value;

    /// <summary>The creation time encoded in the id (millisecond precision).</summary>
    public DateTimeOffset CreatedAt => SortableId.TimeOf(Value);

    public static PostId New(DateTimeOffset now) => new(SortableId.New(now));

    /// <summary>Accepts 26 Crockford base32 characters in either case; the id holds the upper-case form.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out PostId id)
    {
        var ok = SortableId.TryParse(s, out var canonical);
        id = ok ? new PostId(canonical) : default;
        return ok;
    }

    public int CompareTo(PostId other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value ?? string.Empty;
}
