namespace Social.Streaming;

/// <summary>
/// Waits for a PostgreSQL call only as long as the caller's token allows. Npgsql answers a cancelled token by asking
/// the server to cancel the statement and waiting for the server's answer, so against a server that hangs (stopped,
/// or behind a network that drops packets) a cancelled call can still take its command timeout and more: a pulling agent
/// stopping its queue waited more than a minute on a read that way, and the silo's stop with it.
/// </summary>
/// <remarks>
/// A call given up on goes on in the background until Npgsql ends it, and what it then returns or throws is dropped. So
/// this suits only calls whose outcome the caller can do without: reads, and writes that are safe whether or not they
/// land (a queue's checkpoint, which only ever moves forward).
/// </remarks>
internal static class StoreCalls
{
    public static async Task<T> UntilCancelledAsync<T>(this Task<T> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !call.IsCompleted)
        {
            Forget(call);
            throw;
        }
    }

    public static async Task UntilCancelledAsync(this Task call, CancellationToken cancellationToken)
    {
        try
        {
            await call.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !call.IsCompleted)
        {
            Forget(call);
            throw;
        }
    }

    // Observes the failure the abandoned call may still end in, so that it is not reported as unobserved.
    private static void Forget(Task call) =>
        _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
