using Npgsql;
using Social.Abstractions.EventStore;

namespace Social.Infrastructure.EventStore;

/// <summary>
/// A row of the <c>events</c> table as a <see cref="RecordedEvent"/>: the columns every read of events selects, and how
/// they are read back. The event store and the stream transport's partition read share it, so that both hand out the
/// same events.
/// </summary>
internal static class EventRows
{
    public const string Columns =
        "stream_id, version, transaction_id, sequence, event_id, event_type, data::text, metadata::text, recorded_at";

    /// <summary>Reads the <see cref="Columns"/> that start at column <paramref name="offset"/>.</summary>
    public static RecordedEvent Read(NpgsqlDataReader reader, int offset) => new(
        StreamId: reader.GetString(offset),
        Version: reader.GetInt64(offset + 1),
        Position: new GlobalPosition(reader.GetFieldValue<ulong>(offset + 2), reader.GetInt64(offset + 3)),
        EventId: reader.GetGuid(offset + 4),
        Type: reader.GetString(offset + 5),
        Data: reader.GetString(offset + 6),
        Metadata: EventMetadataJson.Deserialize(reader.GetString(offset + 7)),
        RecordedAt: reader.GetFieldValue<DateTimeOffset>(offset + 8));
}
