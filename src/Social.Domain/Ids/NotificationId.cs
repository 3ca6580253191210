using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Social.Domain.Ids;

/// <summary>
/// A notification's id: time-sortable like post ids, and derived from what caused it (its event's time, its recipient
/// and its cause), never drawn at random: a rebuild of the read models gives every notification the id it had, so read
/// markers keep their meaning.
/// </summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Ids.NotificationId")]
[JsonConverter(typeof(NotificationIdJsonConverter))]
public readonly record struct NotificationId([property: Id(0)] string Value) : IComparable<NotificationId>
{
    /// <summary>The time of the action notified of (millisecond precision).</summary>
    public DateTimeOffset CreatedAt => SortableId.TimeOf(Value);

    /// <summary>The id of the notification to <paramref name="recipient"/> of the action <paramref name="cause"/> made at <paramref name="at"/>.</summary>
    public static NotificationId For(DateTimeOffset at, UserId recipient, string cause) =>
        new(SortableId.Derive(at, $"{recipient.Value}|{cause}"));

    /// <summary>Accepts 26 Crockford base32 characters in either case; the id holds the upper-case form.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out NotificationId id)
    {
        var ok = SortableId.TryParse(s, out var canonical);
        id = ok ? new NotificationId(canonical) : default;
        return ok;
    }

    public int CompareTo(NotificationId other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value ?? string.Empty;
}
