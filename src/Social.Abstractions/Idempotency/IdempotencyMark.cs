namespace Social.Abstractions.Idempotency;

/// <summary>
/// A claimed <c>Idempotency-Key</c> that the current command's append marks as done, in the append's transaction: the
/// key's record then says which stream version the write reached, and a retry after a lost response replays it.
/// </summary>
/// <param name="Caller">Who claimed the key (the user, or the anonymous request's fingerprint).</param>
/// <param name="Key">The client's key.</param>
[GenerateSerializer, Immutable]
public sealed record IdempotencyMark([property: Id(0)] string Caller, [property: Id(1)] string Key);

/// <summary>Where the write made under an <c>Idempotency-Key</c> was committed: its stream and the version it reached.</summary>
/// <param name="StreamId">The event-store stream the command appended to.</param>
/// <param name="Version">The stream's version after the append.</param>
[GenerateSerializer, Immutable]
public sealed record CommittedWrite([property: Id(0)] string StreamId, [property: Id(1)] long Version);
