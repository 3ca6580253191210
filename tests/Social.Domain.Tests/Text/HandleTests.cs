using Social.Domain.Errors;
using Social.Domain.Text;
using Xunit;

namespace Social.Domain.Tests.Text;

public sealed class HandleTests
{
    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("Alice", "alice")]
    [InlineData("ALICE_01", "alice_01")]
    [InlineData("___", "___")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123", "abcdefghijklmnopqrstuvwxyz0123")]
    public void Normalize_ValidHandle_IsLowerCased(string handle, string expected)
    {
        Assert.Equal(expected, Handle.Normalize(handle));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ab")] // too short
    [InlineData("abcdefghijklmnopqrstuvwxyz01234")] // 31: too long
    [InlineData("bad-char")]
    [InlineData("with space")]
    [InlineData("dot.ted")]
    [InlineData("at@sign")]
    [InlineData("j\u00FCrgen")] // ü
    [InlineData("\u212Aate")] // the Kelvin sign lower-cases to k
    [InlineData("\u0130stanbul")] // dotted capital I
    [InlineData("emoji\U0001F600")]
    [InlineData("tab\there")]
    [InlineData("  bob  ")] // valid only once trimmed: a handle is taken as sent
    [InlineData("abc\n")]
    public void Normalize_InvalidHandle_ThrowsValidationOnHandle(string? handle)
    {
        var e = Assert.Throws<ValidationException>(() => Handle.Normalize(handle));

        Assert.Equal(["Handle must be 3 to 30 characters of a-z, 0-9 and _."], e.Errors["handle"]);
        Assert.Equal("Handle must be 3 to 30 characters of a-z, 0-9 and _.", e.Message);
    }
}
