namespace Social.Abstractions.EventStore;

/// <summary>An event to append: its id (the key that makes a retried append harmless), stable type name and JSON payload.</summary>
/// <param name="EventId">Unique per event; a retry sends the same id.</param>
/// <param name="Type">The stable, versioned type name, such as <c>V1.PostCreated</c>.</param>
/// <param name="Data">The payload as JSON.</param>
/// <param name="Metadata">Correlation and idempotency information.</param>
public sealed record EventData(Guid EventId, string Type, string Data, EventMetadata Metadata);

/// <summary>What is recorded beside an event's payload.</summary>
/// <param name="CorrelationId">The id of the request that caused the event.</param>
/// <param name="CausationId">The id of the command or event that caused it, when there is one.</param>
/// <param name="IdempotencyKey">The client's <c>Idempotency-Key</c>, when it sent one.</param>
/// <param name="UserId">The authenticated caller, when there is one.</param>
[GenerateSerializer, Immutable]
public sealed record EventMetadata(
    [property: Id(0)] string? CorrelationId = null,
    [property: Id(1)] string? CausationId = null,
    [property: Id(2)] string? IdempotencyKey = null,
    [property: Id(3)] string? UserId = null)
{
    /// <summary>No correlation, causation, key or user.</summary>
    public static EventMetadata Empty { get; } = new();
}

/// <summary>An event as stored; it also travels to the projections over Orleans streams.</summary>
/// <param name="StreamId">The stream (one grain's events), such as <c>post-01J…</c>.</param>
/// <param name="Version">Its version in the stream, from 1.</param>
/// <param name="Position">Its place in the global order.</param>
/// <param name="EventId">Its unique id.</param>
/// <param name="Type">The stable type name.</param>
/// <param name="Data">The payload as JSON.</param>
/// <param name="Metadata">Correlation and idempotency information.</param>
/// <param name="RecordedAt">When it was committed.</param>
[GenerateSerializer, Immutable]
public sealed record RecordedEvent(
    [property: Id(0)] string StreamId,
    [property: Id(1)] long Version,
    [property: Id(2)] GlobalPosition Position,
    [property: Id(3)] Guid EventId,
    [property: Id(4)] string Type,
    [property: Id(5)] string Data,
    [property: Id(6)] EventMetadata Metadata,
    [property: Id(7)] DateTimeOffset RecordedAt);
