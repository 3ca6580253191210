using Orleans.Streams;
using Social.Abstractions.EventStore;

namespace Social.Streaming;

/// <summary>
/// What one queue has handed to its pulling agent and what the agent has reported delivered, in order, and from that
/// the position up to which every event of the queue's partition has been processed by all its consumers: the only
/// position that may become the checkpoint.
/// </summary>
/// <remarks>
/// A batch is reported once it leaves the agent's queue cache. With Orleans's <c>SimpleQueueCache</c> a batch leaves
/// only when no consumer cursor is at or before it, and a cursor moves past a batch only after the consumer's call for
/// it returned (or the agent's retries for it ran out), so a reported batch has been processed by every consumer of its
/// stream. The cache lets batches go oldest first, and drops without reporting a batch whose delivery failed for good
/// (after <see cref="EventStoreStreamOptions.MaxDeliveryTime"/>). So reports come in the order batches were handed out,
/// and a batch passed over by a later report failed: the acknowledged position then stays before it for the life of
/// this receiver, and the next receiver of the queue delivers it again.
/// </remarks>
internal sealed class DeliveryLedger(GlobalPosition start)
{
    // Handed out and not yet reported, oldest first; a null batch marks a stretch read empty up to a cut.
    private readonly Queue<(GlobalPosition Through, EventStoreBatchContainer? Batch)> _pending = new();

    // The latest stretch read empty after the last batch handed out: kept apart, so that polling while batches are
    // outstanding does not grow the queue.
    private GlobalPosition? _trailingCut;

    /// <summary>Every event of the partition at or before this position has been processed by all its consumers.</summary>
    public GlobalPosition Acknowledged { get; private set; } = start;

    /// <summary>Batches handed out whose delivery has not been reported.</summary>
    public int Outstanding { get; private set; }

    /// <summary>The first batch that was not delivered to all its consumers, once one has been dropped.</summary>
    public EventStoreBatchContainer? Failed { get; private set; }

    /// <summary>Whether the last report acknowledged at least one event (rather than only stretches read empty).</summary>
    public bool AcknowledgedEvents { get; private set; }

    public void HandedOut(EventStoreBatchContainer batch)
    {
        if (Failed is not null)
        {
            return;
        }

        if (_trailingCut is { } cut)
        {
            _pending.Enqueue((cut, null));
            _trailingCut = null;
        }

        _pending.Enqueue((batch.Through, batch));
        Outstanding++;
    }

    /// <summary>Records that the partition holds no further event up to <paramref name="cut"/>.</summary>
    public void ReadThrough(GlobalPosition cut)
    {
        if (Failed is not null || cut.CompareTo(Acknowledged) <= 0)
        {
            return;
        }

        if (_pending.Count == 0)
        {
            Acknowledged = cut;
        }
        else
        {
            _trailingCut = cut;
        }
    }

    /// <summary>Takes the agent's report of delivered batches.</summary>
    /// <returns>The batch found to have failed by this report, if one was.</returns>
    public EventStoreBatchContainer? Delivered(IEnumerable<IBatchContainer> delivered)
    {
        AcknowledgedEvents = false;
        foreach (var batch in delivered.OfType<EventStoreBatchContainer>())
        {
            while (Failed is null && _pending.TryPeek(out var head))
            {
                if (head.Batch is null)
                {
                    Acknowledge();
                    continue;
                }

                var order = head.Through.CompareTo(batch.Through);
                if (order == 0)
                {
                    Acknowledge();
                    AcknowledgedEvents = true;
                    break;
                }

                if (order > 0)
                {
                    // Not one of this ledger's batches.
                    break;
                }

                // A later batch was reported before this one: the cache dropped it undelivered.
                Failed = head.Batch;
                _pending.Clear();
                _trailingCut = null;
                Outstanding = 0;
                return Failed;
            }
        }

        while (Failed is null && _pending.TryPeek(out var head) && head.Batch is null)
        {
            Acknowledge();
        }

        if (Failed is null && _pending.Count == 0 && _trailingCut is { } cut)
        {
            Acknowledged = cut;
            _trailingCut = null;
        }

        return null;
    }

    private void Acknowledge()
    {
        var (through, batch) = _pending.Dequeue();
        Acknowledged = through;
        if (batch is not null)
        {
            Outstanding--;
        }
    }
}
