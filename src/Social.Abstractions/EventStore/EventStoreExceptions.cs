namespace Social.Abstractions.EventStore;

/// <summary>An append found the stream at another version than expected: someone else wrote first.</summary>
[GenerateSerializer, Alias("Social.Abstractions.EventStore.WrongExpectedVersionException")]
public sealed class WrongExpectedVersionException(string streamId, long expectedVersion, long actualVersion)
    : Exception($"Stream '{streamId}' is at version {actualVersion}, not the expected {expectedVersion}.")
{
    /// <summary>The stream that was appended to.</summary>
    [Id(0)]
    public string StreamId { get; } = streamId;

    /// <summary>The version the writer expected.</summary>
    [Id(1)]
    public long ExpectedVersion { get; } = expectedVersion;

    /// <summary>The version the stream is at.</summary>
    [Id(2)]
    public long ActualVersion { get; } = actualVersion;
}

/// <summary>A backing store (PostgreSQL or Redis) cannot be reached; the operation changed nothing and may be retried.</summary>
[GenerateSerializer, Alias("Social.Abstractions.EventStore.StoreUnavailableException")]
public sealed class StoreUnavailableException(string store, Exception innerException)
    : Exception($"{store} is unavailable: {innerException.Message}", innerException)
{
    /// <summary>Which store: <c>PostgreSQL</c> or <c>Redis</c>.</summary>
    [Id(0)]
    public string Store { get; } = store;
}

