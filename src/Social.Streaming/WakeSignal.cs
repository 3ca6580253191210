namespace Social.Streaming;

/// <summary>
/// Wakes a waiting queue when a commit was announced for its partition. A reader notes <see cref="Version"/> before it
/// reads and then waits with that version, so an announcement that arrives while it reads is never missed.
/// </summary>
internal sealed class WakeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    public void Set()
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            _version++;
            fired = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        fired.TrySetResult();
    }

    /// <summary>Completes once the signal has been set after <paramref name="seenVersion"/> (at once if it already has).</summary>
    public Task WaitAsync(long seenVersion)
    {
        lock (_gate)
        {
            return _version != seenVersion ? Task.CompletedTask : _next.Task;
        }
    }
}
