using Social.Domain.Errors;
using Social.Domain.Ids;
using Xunit;

namespace Social.Domain.Tests.Ids;

public sealed class UserIdTests
{
    [Fact]
    public void FromHandle_MixedCase_IsTheLowerCaseHandle()
    {
        var id = UserId.FromHandle("Alice_01");

        Assert.Equal(new UserId("alice_01"), id);
        Assert.Equal("alice_01", id.ToString());
        Assert.Equal("user-alice_01", id.StreamId);
    }

    [Fact]
    public void FromHandle_Invalid_ThrowsValidationOnHandle()
    {
        var e = Assert.Throws<ValidationException>(() => UserId.FromHandle("a!"));

        Assert.Equal(["handle"], e.Errors.Keys);
    }

    [Fact]
    public void TryFromHandle_ValidAndInvalid_ReportsWithoutThrowing()
    {
        Assert.True(UserId.TryFromHandle("BOB", out var bob));
        Assert.Equal(new UserId("bob"), bob);
        Assert.False(UserId.TryFromHandle("no", out var none));
        Assert.Equal(default, none);
    }

    [Fact]
    public void Equality_SameHandleDifferentCase_IsEqualAfterNormalizing()
    {
        Assert.Equal(UserId.FromHandle("CAROL"), UserId.FromHandle("carol"));
    }
}
