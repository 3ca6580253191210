using System.Diagnostics;
using System.Net;
using Social.Api.Tests.RealTime;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Accounts;

/// <summary>API.md: after a password change, tokens issued before it are refused on every instance within 2 seconds.</summary>
public sealed class RevocationAcrossInstancesTests(TwoInstancesFixture instances) : IClassFixture<TwoInstancesFixture>
{
    [Fact]
    public async Task PasswordChangedOnTheFirstInstance_TheOldTokenIsRefusedOnTheSecondWithin2s()
    {
        var client = await instances.First.SignUpAsync(Handles.Unique("moving"));
        var onSecond = instances.OnSecond(client);
        // The second instance has just checked the token, and remembers that it stands.
        await ApiAssert.JsonAsync(await onSecond.ReadHomeAsync(), HttpStatusCode.OK);

        var response = await client.ChangePasswordAsync(SocialApiFactory.DefaultPassword, "changed on the first instance");
        var since = Stopwatch.StartNew();

        await ApiAssert.NoContentAsync(response);
        await AccountAssert.RefusedWithinBoundAsync(onSecond, since);
    }

    [Fact]
    public async Task AccountDeletedOnTheFirstInstance_ItsTokenIsRefusedOnTheSecondWithin2s()
    {
        var client = await instances.First.SignUpAsync(Handles.Unique("leaving"));
        var onSecond = instances.OnSecond(client);
        await ApiAssert.JsonAsync(await onSecond.ReadHomeAsync(), HttpStatusCode.OK);

        var response = await client.DeleteAccountAsync(SocialApiFactory.DefaultPassword);
        var since = Stopwatch.StartNew();

        await ApiAssert.NoContentAsync(response);
        await AccountAssert.RefusedWithinBoundAsync(onSecond, since);
    }
}
