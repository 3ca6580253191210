namespace Social.Abstractions.Idempotency;

/// <summary>
/// Remembers writes made with an <c>Idempotency-Key</c>, durably and shared by every instance, so that a retried
/// request returns the first result and writes nothing again, even after a restart.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Claims <paramref name="key"/> for <paramref name="caller"/>. The first claim stores
    /// <paramref name="requestFingerprint"/> and <paramref name="reservedId"/> (the id the write will create, so that
    /// re-running it after a crash creates the same thing); later claims get what the first one stored.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(string caller, string key, string requestFingerprint, string reservedId, CancellationToken cancellationToken = default);

    /// <summary>Records the response of a claimed write, which later claims replay.</summary>
    Task CompleteAsync(string caller, string key, StoredResponse response, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets up to <paramref name="max"/> keys claimed more than <paramref name="lifetime"/> ago, and returns how many:
    /// a retry that late is a new request.
    /// </summary>
    Task<int> ExpireAsync(TimeSpan lifetime, int max, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="IIdempotencyStore.ClaimAsync"/>.</summary>
/// <param name="IsFirst">True when this call made the claim.</param>
/// <param name="RequestFingerprint">The fingerprint of the request that made the claim.</param>
/// <param name="ReservedId">The id reserved by the request that made the claim.</param>
/// <param name="Response">The recorded response, once the first request completed.</param>
/// <param name="Committed">
/// Where the first request's write committed, once it did (recorded by the append itself, so known even when the
/// response never was).
/// </param>
public sealed record IdempotencyClaim(bool IsFirst, string RequestFingerprint, string ReservedId, StoredResponse? Response, CommittedWrite? Committed = null);

/// <summary>An HTTP response kept for replay.</summary>
/// <param name="StatusCode">The status code.</param>
/// <param name="ContentType">The content type, when there is a body.</param>
/// <param name="Body">The body, when there is one.</param>
/// <param name="Location">The <c>Location</c> header, when there is one.</param>
public sealed record StoredResponse(int StatusCode, string? ContentType, string? Body, string? Location);
