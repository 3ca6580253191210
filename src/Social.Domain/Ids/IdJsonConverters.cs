using System.Text.Json;
using System.Text.Json.Serialization;

namespace Social.Domain.Ids;

// Ids are plain JSON strings (also as dictionary keys), wherever System.Text.Json meets them.

public sealed class UserIdJsonConverter : JsonConverter<UserId>
{
    public override UserId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        FromString(reader.GetString());

    public override void Write(Utf8JsonWriter writer, UserId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);

    public override UserId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        FromString(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, UserId value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.Value);

    // Stored ids are trusted as they are: a later change of the handle rules must not make old events unreadable.
    private static UserId FromString(string? s) =>
        string.IsNullOrEmpty(s) ? throw new JsonException("A user id must be a non-empty string.") : new UserId(s);
}

public sealed class PostIdJsonConverter : JsonConverter<PostId>
{
    public override PostId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        FromString(reader.GetString());

    public override void Write(Utf8JsonWriter writer, PostId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);

    public override PostId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        FromString(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, PostId value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.Value);

    private static PostId FromString(string? s) =>
        PostId.TryParse(s, out var id) ? id : throw new JsonException($"'{s}' is not a post id.");
}

public sealed class CommentIdJsonConverter : JsonConverter<CommentId>
{
    public override CommentId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        FromString(reader.GetString());

    public override void Write(Utf8JsonWriter writer, CommentId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);

    public override CommentId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        FromString(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, CommentId value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.Value);

    private static CommentId FromString(string? s) =>
        CommentId.TryParse(s, out var id) ? id : throw new JsonException($"'{s}' is not a comment id.");
}
