using Social.Domain.Errors;
using Social.Domain.Text;
using Xunit;
using static Social.Domain.Tests.TestData;

namespace Social.Domain.Tests.Text;

public sealed class PasswordRulesTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(128)]
    public void Validate_8To128Characters_ReturnsThePasswordUnchanged(int length)
    {
        var password = Repeat("p", length);

        Assert.Same(password, PasswordRules.Validate(password));
    }

    [Fact]
    public void Validate_SpacesAndDecomposedLetters_AreKeptAsTyped()
    {
        var password = "  caf" + DecomposedE + " pass  ";

        Assert.Equal(password, PasswordRules.Validate(password));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1234567")]
    public void Validate_TooShort_ThrowsValidationOnPassword(string? password)
    {
        var e = Assert.Throws<ValidationException>(() => PasswordRules.Validate(password));

        Assert.Equal(["Password must be 8 to 128 characters."], e.Errors["password"]);
    }

    [Fact]
    public void Validate_129Characters_ThrowsValidationOnPassword()
    {
        var e = Assert.Throws<ValidationException>(() => PasswordRules.Validate(Repeat("p", 129)));

        Assert.Equal(["Password must be 8 to 128 characters."], e.Errors["password"]);
    }

    [Fact]
    public void Validate_SurrogatePairs_CountAsOneCharacterEach()
    {
        const string Smile = "\U0001F600";

        Assert.Equal(Repeat(Smile, 128), PasswordRules.Validate(Repeat(Smile, 128)));
        Assert.Throws<ValidationException>(() => PasswordRules.Validate(Repeat(Smile, 129)));
        Assert.Throws<ValidationException>(() => PasswordRules.Validate(Repeat(Smile, 7))); // 14 UTF-16 chars
    }

    [Fact]
    public void Validate_LoneSurrogate_ThrowsValidationOnPassword()
    {
        var e = Assert.Throws<ValidationException>(() => PasswordRules.Validate("password\uDC00"));

        Assert.Contains("password", e.Errors.Keys);
    }
}
