using Social.Abstractions.EventStore;
using Social.Abstractions.Idempotency;

namespace Social.Abstractions.Commands;

/// <summary>
/// What a command carries besides its arguments: the request's correlation id, the client's idempotency key and
/// the caller. The API sets it in Orleans's request context, which flows with the call into every grain it
/// reaches; grains record it as the metadata of the events they append.
/// </summary>
public static class CommandContext
{
    private const string CorrelationIdKey = "social.correlationId";
    private const string IdempotencyKeyKey = "social.idempotencyKey";
    private const string UserIdKey = "social.userId";
    private const string IdempotencyCallerKey = "social.idempotencyCaller";
    private const string CommittedStreamKey = "social.committedStream";
    private const string CommittedVersionKey = "social.committedVersion";
    private const string NewStreamKey = "social.newStream";

    /// <summary>Sets the context for the grain calls made from here on in this async flow.</summary>
    public static void Set(string? correlationId, string? idempotencyKey, string? userId)
    {
        SetOrRemove(CorrelationIdKey, correlationId);
        SetOrRemove(IdempotencyKeyKey, idempotencyKey);
        SetOrRemove(UserIdKey, userId);
    }

    /// <summary>The metadata for events appended on behalf of the current call.</summary>
    public static EventMetadata CurrentMetadata() => new(
        CorrelationId: RequestContext.Get(CorrelationIdKey) as string,
        IdempotencyKey: RequestContext.Get(IdempotencyKeyKey) as string,
        UserId: RequestContext.Get(UserIdKey) as string);

    /// <summary>
    /// Says that the command runs under an <c>Idempotency-Key</c> that <paramref name="caller"/> has claimed, so its
    /// append marks the key as done; and, when a first run already committed (<paramref name="committed"/>), that the
    /// command must not write again but answer from the state that write left.
    /// </summary>
    public static void SetIdempotency(string caller, CommittedWrite? committed)
    {
        RequestContext.Set(IdempotencyCallerKey, caller);
        SetOrRemove(CommittedStreamKey, committed?.StreamId);
        if (committed is null)
        {
            RequestContext.Remove(CommittedVersionKey);
        }
        else
        {
            RequestContext.Set(CommittedVersionKey, committed.Version);
        }
    }

    /// <summary>The claimed key that the current command's append marks as done, if any.</summary>
    public static IdempotencyMark? CurrentIdempotency() =>
        RequestContext.Get(IdempotencyCallerKey) is string caller && RequestContext.Get(IdempotencyKeyKey) is string key
            ? new IdempotencyMark(caller, key)
            : null;

    /// <summary>Where an earlier run of the current command committed its write, when one did.</summary>
    public static CommittedWrite? CommittedWrite() =>
        RequestContext.Get(CommittedStreamKey) is string stream && RequestContext.Get(CommittedVersionKey) is long version
            ? new CommittedWrite(stream, version)
            : null;

    /// <summary>
    /// Says that the command creates <paramref name="streamId"/> under an id minted for it just now, so its grain need not
    /// read the stream when it activates: the append at version 0 is the check. A wrong hint costs a conflict and a read.
    /// </summary>
    public static void MarkNewStream(string streamId) => RequestContext.Set(NewStreamKey, streamId);

    /// <summary>Whether the current call creates <paramref name="streamId"/> under a freshly minted id.</summary>
    public static bool IsNewStream(string streamId) => RequestContext.Get(NewStreamKey) is string marked && marked == streamId;

    private static void SetOrRemove(string key, string? value)
    {
        if (value is null)
        {
            RequestContext.Remove(key);
        }
        else
        {
            RequestContext.Set(key, value);
        }
    }
}
