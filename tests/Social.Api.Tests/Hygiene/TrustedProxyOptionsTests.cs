using System.ComponentModel.DataAnnotations;
using Social.Api.Hosting;
using Xunit;

namespace Social.Api.Tests.Hygiene;

/// <summary>A trusted proxy that is not an address, or a network that is not one, stops the host with the setting's name.</summary>
public sealed class TrustedProxyOptionsTests
{
    [Fact]
    public void Validate_AddressesAndCidrNetworks_Pass_BlankEntriesIgnored()
    {
        var options = new TrustedProxyOptions { KnownProxies = ["172.28.0.10", "::1", " "], KnownNetworks = ["10.0.0.0/8", "fd00::/8"] };

        Assert.Empty(Errors(options));
        Assert.Equal(2, options.Proxies().Count());
        Assert.True(options.IsConfigured);
        Assert.False(new TrustedProxyOptions { KnownProxies = [""] }.IsConfigured);
    }

    [Theory]
    [InlineData("lb.internal", null, "KnownProxies")]
    [InlineData(null, "10.0.0.0", "KnownNetworks")]
    [InlineData(null, "10.0.0.0/x", "KnownNetworks")]
    [InlineData(null, "10.0.0.0/33", "KnownNetworks")]
    public void Validate_NotAnAddressOrNetwork_NamesTheSetting(string? proxy, string? network, string setting)
    {
        var options = new TrustedProxyOptions
        {
            KnownProxies = proxy is null ? [] : [proxy],
            KnownNetworks = network is null ? [] : [network],
        };

        var error = Assert.Single(Errors(options));
        Assert.Contains($"Social:ForwardedHeaders:{setting}", error, StringComparison.Ordinal);
    }

    private static List<string> Errors(TrustedProxyOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => r.ErrorMessage ?? "")];
    }
}
