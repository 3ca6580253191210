using Social.Abstractions.EventStore;
using Social.Streaming;
using Xunit;

namespace Social.Infrastructure.Tests.Streaming;

/// <summary>The checkpoint's safety rule, without silos: acknowledge only an unbroken run of delivered batches.</summary>
public sealed class DeliveryLedgerTests
{
    private static readonly GlobalPosition s_start = new(100, 0);

    [Fact]
    public void Delivered_AllInOrder_AcknowledgesThroughTheLastBatch()
    {
        var ledger = new DeliveryLedger(s_start);
        var batches = HandOut(ledger, 3);

        Assert.Null(ledger.Delivered(batches));

        Assert.Equal(batches[^1].Through, ledger.Acknowledged);
        Assert.Equal(0, ledger.Outstanding);
        Assert.True(ledger.AcknowledgedEvents);
    }

    [Fact]
    public void Delivered_OnlyTheOldest_AcknowledgesNoFurther()
    {
        var ledger = new DeliveryLedger(s_start);
        var batches = HandOut(ledger, 3);

        ledger.Delivered(batches[..2]);

        Assert.Equal(batches[1].Through, ledger.Acknowledged);
        Assert.Equal(1, ledger.Outstanding);
    }

    [Fact]
    public void Delivered_NothingYet_AcknowledgesNothing()
    {
        var ledger = new DeliveryLedger(s_start);
        HandOut(ledger, 2);

        ledger.Delivered([]);

        Assert.Equal(s_start, ledger.Acknowledged);
        Assert.Equal(2, ledger.Outstanding);
        Assert.False(ledger.AcknowledgedEvents);
    }

    [Fact]
    public void ReadThrough_NothingOutstanding_AcknowledgesTheCutAtOnce()
    {
        var ledger = new DeliveryLedger(s_start);

        ledger.ReadThrough(new GlobalPosition(120, 0));

        Assert.Equal(new GlobalPosition(120, 0), ledger.Acknowledged);
    }

    [Fact]
    public void ReadThrough_BatchesOutstanding_AcknowledgesTheCutOnlyAfterThem()
    {
        var ledger = new DeliveryLedger(s_start);
        var batches = HandOut(ledger, 2);
        var cut = new GlobalPosition(500, 0);
        ledger.ReadThrough(cut);

        ledger.Delivered(batches[..1]);
        Assert.Equal(batches[0].Through, ledger.Acknowledged);

        ledger.Delivered(batches[1..]);
        Assert.Equal(cut, ledger.Acknowledged);
    }

    [Fact]
    public void ReadThrough_RepeatedWhileBatchesOutstanding_KeepsOnlyTheLatestCut()
    {
        var ledger = new DeliveryLedger(s_start);
        var first = HandOut(ledger, 1, from: 300);
        ledger.ReadThrough(new GlobalPosition(310, 0));
        ledger.ReadThrough(new GlobalPosition(320, 0));
        var second = HandOut(ledger, 1, from: 330);
        ledger.ReadThrough(new GlobalPosition(340, 0));

        ledger.Delivered(first);
        Assert.Equal(new GlobalPosition(320, 0), ledger.Acknowledged);

        ledger.Delivered(second);
        Assert.Equal(new GlobalPosition(340, 0), ledger.Acknowledged);
        Assert.Equal(0, ledger.Outstanding);
    }

    [Fact]
    public void Delivered_BatchPassedOver_ReportsItFailedAndNeverAcknowledgesPastIt()
    {
        var ledger = new DeliveryLedger(s_start);
        var batches = HandOut(ledger, 3);

        // The cache dropped the middle batch: its delivery failed for good.
        var failed = ledger.Delivered([batches[0], batches[2]]);

        Assert.Same(batches[1], failed);
        Assert.Equal(batches[0].Through, ledger.Acknowledged);
        var later = HandOut(ledger, 2, from: 400);
        ledger.ReadThrough(new GlobalPosition(900, 0));
        Assert.Null(ledger.Delivered(later));
        Assert.Equal(batches[0].Through, ledger.Acknowledged);
        Assert.Same(batches[1], ledger.Failed);
    }

    [Fact]
    public void Delivered_BatchOfAnotherReceiver_IsIgnored()
    {
        var ledger = new DeliveryLedger(s_start);
        var ours = HandOut(ledger, 1, from: 300);
        var stranger = Batch(new GlobalPosition(250, 1));

        Assert.Null(ledger.Delivered([stranger, ours[0]]));

        Assert.Equal(ours[0].Through, ledger.Acknowledged);
    }

    private static List<EventStoreBatchContainer> HandOut(DeliveryLedger ledger, int count, ulong from = 200)
    {
        var batches = Enumerable.Range(0, count).Select(i => Batch(new GlobalPosition(from + (ulong)i, i + 1))).ToList();
        batches.ForEach(ledger.HandedOut);
        return batches;
    }

    private static EventStoreBatchContainer Batch(GlobalPosition position) =>
        new(StreamId.Create("probe", "a"), [Event(position, version: 1)]);

    internal static RecordedEvent Event(GlobalPosition position, long version) =>
        new("probe-a", version, position, Guid.NewGuid(), "V1.Probe", "{}", EventMetadata.Empty, DateTimeOffset.UnixEpoch);
}
