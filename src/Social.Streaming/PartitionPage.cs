using Social.Abstractions.EventStore;

namespace Social.Streaming;

/// <summary>A page of one partition's events, read by <see cref="PartitionReader.ReadPartitionAsync"/>.</summary>
/// <param name="Events">The events, in commit-safe order.</param>
/// <param name="Next">
/// Where the next read of the partition starts (its <c>after</c>): the last event's position when the page is full;
/// the end of the stretch of the global order that was looked through when that was all there was room for; otherwise
/// the commit-safe cut, because every event of the partition before it has been returned. A page can be empty and
/// still move <paramref name="Next"/> on.
/// </param>
/// <param name="More">
/// Whether the read stopped before the commit-safe cut, for want of room: read again from <paramref name="Next"/> at once.
/// </param>
/// <param name="HeldBack">
/// Whether more events of the partition are committed but not yet readable, because a transaction that began before
/// theirs is still running: they will be readable as soon as it ends.
/// </param>
public sealed record PartitionPage(IReadOnlyList<RecordedEvent> Events, GlobalPosition Next, bool More, bool HeldBack);
