using System.Text.Json;
using System.Text.Json.Serialization;

namespace Social.Domain.Ids;

/// <summary>Ids are plain JSON strings (also as dictionary keys), wherever System.Text.Json meets them.</summary>
public abstract class StringIdJsonConverter<TId> : JsonConverter<TId>
{
    public override TId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Parse(reader.GetString());

    public override void Write(Utf8JsonWriter writer, TId value, JsonSerializerOptions options) => writer.WriteStringValue(Format(value));

    public override TId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TId value, JsonSerializerOptions options) =>
        writer.WritePropertyName(Format(value));

    protected abstract TId Parse(string? value);

    protected abstract string Format(TId id);
}

public sealed class UserIdJsonConverter : StringIdJsonConverter<UserId>
{
    // Stored ids are trusted as they are: a later change of the handle rules must not make old events unreadable.
    protected override UserId Parse(string? value) =>
        string.IsNullOrEmpty(value) ? throw new JsonException("A user id must be a non-empty string.") : new UserId(value);

    protected override string Format(UserId id) => id.Value;
}

public sealed class PostIdJsonConverter : StringIdJsonConverter<PostId>
{
    protected override PostId Parse(string? value) =>
        PostId.TryParse(value, out var id) ? id : throw new JsonException($"'{value}' is not a post id.");

    protected override string Format(PostId id) => id.Value;
}

public sealed class CommentIdJsonConverter : StringIdJsonConverter<CommentId>
{
    protected override CommentId Parse(string? value) =>
        CommentId.TryParse(value, out var id) ? id : throw new JsonException($"'{value}' is not a comment id.");

    protected override string Format(CommentId id) => id.Value;
}

public sealed class NotificationIdJsonConverter : StringIdJsonConverter<NotificationId>
{
    protected override NotificationId Parse(string? value) =>
        NotificationId.TryParse(value, out var id) ? id : throw new JsonException($"'{value}' is not a notification id.");

    protected override string Format(NotificationId id) => id.Value;
}
