namespace Social.Abstractions.EventStore;

/// <summary>
/// How event-store streams map to Orleans streams: the part before the first '-' is the Orleans stream namespace
/// (<c>user</c>, <c>post</c>) and the rest its key, so projection grains subscribe implicitly by namespace and
/// share the key of the write grain whose events they follow.
/// </summary>
public static class EventStreams
{
    /// <summary>The name of the Orleans stream provider that carries committed events.</summary>
    public const string ProviderName = "events";

    /// <summary>The namespace of users' streams.</summary>
    public const string Users = "user";

    /// <summary>The namespace of posts' streams.</summary>
    public const string Posts = "post";

    /// <summary>The namespace and key of the Orleans stream that carries the events of an event-store stream.</summary>
    public static (string Namespace, string Key) Split(string storeStreamId)
    {
        var separator = storeStreamId.IndexOf('-', StringComparison.Ordinal);
        if (separator <= 0 || separator == storeStreamId.Length - 1)
        {
            throw new ArgumentException($"'{storeStreamId}' is not of the form namespace-key.", nameof(storeStreamId));
        }

        return (storeStreamId[..separator], storeStreamId[(separator + 1)..]);
    }
}
