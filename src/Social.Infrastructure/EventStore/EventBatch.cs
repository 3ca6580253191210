using Social.Abstractions.EventStore;

namespace Social.Infrastructure.EventStore;

/// <summary>The events of one append as the column arrays that the append statement unnests; validated once, on the caller's side.</summary>
internal sealed class EventBatch
{
    private EventBatch(Guid[] eventIds, string[] types, string[] data, string[] metadata)
    {
        EventIds = eventIds;
        Types = types;
        Data = data;
        Metadata = metadata;
    }

    public int Count => EventIds.Length;

    public Guid[] EventIds { get; }

    public string[] Types { get; }

    public string[] Data { get; }

    public string[] Metadata { get; }

    public static EventBatch From(IReadOnlyList<EventData> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ids = new Guid[events.Count];
        var types = new string[events.Count];
        var data = new string[events.Count];
        var metadata = new string[events.Count];
        var seen = new HashSet<Guid>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i] ?? throw new ArgumentException($"Event {i} is null.", nameof(events));
            if (e.EventId == Guid.Empty || !seen.Add(e.EventId))
            {
                throw new ArgumentException($"Event {i} has an empty or repeated id {e.EventId}.", nameof(events));
            }

            if (string.IsNullOrEmpty(e.Type) || e.Data is null)
            {
                throw new ArgumentException($"Event {i} ({e.EventId}) has no type or no data.", nameof(events));
            }

            ids[i] = e.EventId;
            types[i] = e.Type;
            data[i] = e.Data;
            metadata[i] = EventMetadataJson.Serialize(e.Metadata);
        }

        return new EventBatch(ids, types, data, metadata);
    }
}
