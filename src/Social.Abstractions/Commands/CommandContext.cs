using Social.Abstractions.EventStore;

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
