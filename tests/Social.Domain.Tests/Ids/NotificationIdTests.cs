using Social.Domain.Ids;
using Xunit;
using static Social.Domain.Tests.TestData;

namespace Social.Domain.Tests.Ids;

public sealed class NotificationIdTests
{
    [Fact]
    public void For_TheSameCause_GivesTheSameId_SoARebuildKeepsIt()
    {
        Assert.Equal(NotificationId.For(T0, Alice, "f:bob"), NotificationId.For(T0, Alice, "f:bob"));
    }

    [Fact]
    public void For_AnotherRecipientOrCause_GivesAnotherId()
    {
        var id = NotificationId.For(T0, Alice, "f:bob");

        Assert.NotEqual(id, NotificationId.For(T0, Bob, "f:bob"));
        Assert.NotEqual(id, NotificationId.For(T0, Alice, "f:carol"));
    }

    [Fact]
    public void For_SortsByTheTimeOfTheAction_AndCarriesIt()
    {
        var earlier = NotificationId.For(T0, Alice, "z");
        var later = NotificationId.For(T0.AddMilliseconds(1), Alice, "a");

        Assert.True(earlier.CompareTo(later) < 0);
        Assert.Equal(T0, earlier.CreatedAt);
        Assert.True(NotificationId.TryParse(later.Value.ToLowerInvariant(), out var parsed));
        Assert.Equal(later, parsed);
    }
}
