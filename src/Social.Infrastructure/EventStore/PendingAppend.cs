using Social.Abstractions.Idempotency;

namespace Social.Infrastructure.EventStore;

/// <summary>One caller's append, waiting in <see cref="GroupCommit"/> for the batch that writes it; it learns its own outcome.</summary>
internal sealed class PendingAppend(string streamId, long expectedVersion, EventBatch events, IdempotencyMark? idempotency)
{
    private readonly TaskCompletionSource<long> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string StreamId { get; } = streamId;

    public long ExpectedVersion { get; } = expectedVersion;

    public EventBatch Events { get; } = events;

    public IdempotencyMark? Idempotency { get; } = idempotency;

    /// <summary>The stream's version after the append, or the reason it failed.</summary>
    public Task<long> Outcome => _outcome.Task;

    public void Written() => _outcome.TrySetResult(ExpectedVersion + Events.Count);

    public void Failed(Exception exception) => _outcome.TrySetException(exception);
}
