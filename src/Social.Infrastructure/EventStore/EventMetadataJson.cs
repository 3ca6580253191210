using System.Text.Json;
using System.Text.Json.Serialization;
using Social.Abstractions.EventStore;

namespace Social.Infrastructure.EventStore;

/// <summary>The <c>metadata</c> column: <see cref="EventMetadata"/> as a JSON object, absent fields left out.</summary>
internal static class EventMetadataJson
{
    public static string Serialize(EventMetadata? metadata) =>
        JsonSerializer.Serialize(metadata ?? EventMetadata.Empty, EventStoreJsonContext.Default.EventMetadata);

    public static EventMetadata Deserialize(string json) =>
        JsonSerializer.Deserialize(json, EventStoreJsonContext.Default.EventMetadata) ?? EventMetadata.Empty;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventMetadata))]
internal sealed partial class EventStoreJsonContext : JsonSerializerContext;
