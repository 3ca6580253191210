using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Streams;
using Social.Abstractions.EventStore;
using Social.Streaming;
using Xunit;

namespace Social.Infrastructure.Tests.Streaming;

/// <summary>What travels from the pulling agent to a consumer on another silo.</summary>
public sealed class EventStoreBatchContainerTests
{
    [Fact]
    public void SerializerRoundTrip_BatchAndToken_KeepEventsStreamAndOrder()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var batch = new EventStoreBatchContainer(
            StreamId.Create("post", "01J"),
            [DeliveryLedgerTests.Event(new GlobalPosition(7, 70), version: 1), DeliveryLedgerTests.Event(new GlobalPosition(7, 71), version: 2)]);

        var copy = Assert.IsType<EventStoreBatchContainer>(serializer.Deserialize<IBatchContainer>(serializer.SerializeToArray<IBatchContainer>(batch)));

        Assert.Equal(batch.StreamId, copy.StreamId);
        Assert.Equal(batch.Events, copy.Events);
        Assert.Equal(batch.SequenceToken, copy.SequenceToken);
        Assert.Equal([1L, 2L], copy.GetEvents<RecordedEvent>().Select(e => e.Item1.Version));
        var tokens = copy.GetEvents<RecordedEvent>().Select(e => e.Item2).ToList();
        Assert.True(tokens[0].CompareTo(tokens[1]) < 0);
        // Ordered by transaction first: a smaller sequence in a later transaction comes after.
        Assert.True(new EventStoreSequenceToken(new GlobalPosition(8, 1)).CompareTo(tokens[1]) > 0);
    }
}
