using System.Text.Json.Serialization;
using Social.Domain.Text;

namespace Social.Domain.Ids;

/// <summary>A user's identity: the normalized (lower-case) handle. Handles never change.</summary>
[GenerateSerializer, Immutable, Alias("Social.Domain.Ids.UserId")]
[JsonConverter(typeof(UserIdJsonConverter))]
public readonly record struct UserId([property: Id(0)] string Value) : IComparable<UserId>
{
    /// <summary>The name of this user's event stream.</summary>
    public string StreamId => "user-" + Value;

    /// <summary>Validates and normalizes a handle as typed; throws a <c>ValidationException</c> (field "handle").</summary>
    public static UserId FromHandle(string? handle) => new(Handle.Normalize(handle));

    /// <summary>Like <see cref="FromHandle"/> without throwing, for route values and the like.</summary>
    public static bool TryFromHandle(string? handle, out UserId id)
    {
        if (Handle.TryNormalize(handle, out var normalized))
        {
            id = new UserId(normalized);
            return true;
        }

        id = default;
        return false;
    }

    public int CompareTo(UserId other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value ?? string.Empty;
}
