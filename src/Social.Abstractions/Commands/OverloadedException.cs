namespace Social.Abstractions.Commands;

/// <summary>
/// The instance has more work in hand than it admits (a bound that keeps waits short under overload): the command was
/// refused at once, changed nothing, and may be retried after <see cref="RetryAfter"/> (503 with <c>Retry-After</c>).
/// </summary>
[GenerateSerializer, Alias("Social.Abstractions.Commands.OverloadedException")]
public sealed class OverloadedException(string what, TimeSpan retryAfter)
    : Exception($"Too much is waiting for {what}; retry after {retryAfter.TotalSeconds:0.#} s.")
{
    /// <summary>What is full: the event store's append queue, the writes in flight.</summary>
    [Id(0)]
    public string What { get; } = what;

    /// <summary>When a retry is likely to be admitted.</summary>
    [Id(1)]
    public TimeSpan RetryAfter { get; } = retryAfter;
}
