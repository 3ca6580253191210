using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Social.Abstractions.EventStore;
using Social.Api.Admin;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Security;

/// <summary>
/// No sequence of HTTP requests makes anyone an administrator: only an operator's command does, on a registered user,
/// and its grant or revocation counts from the next request on.
/// </summary>
public sealed class AdministratorTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string AdminOnly = "/api/admin/projections";

    [Theory]
    [InlineData("admin")]
    [InlineData("administrator")]
    [InlineData("root")]
    [InlineData(SocialApiFactory.Admin)]
    public async Task Register_AnyHandle_GivesNoAdministratorRights(string handle)
    {
        var client = await api.Factory.SignUpAsync(handle);

        await ApiAssert.ProblemAsync(await client.GetPathAsync(AdminOnly), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GrantThenRevoke_CountFromTheNextRequest()
    {
        var (client, handle) = await api.SignUpAsync("operator_made");
        await ApiAssert.ProblemAsync(await client.GetPathAsync(AdminOnly), HttpStatusCode.Forbidden);

        var granted = await ChangeAsync(handle, grant: true);
        Assert.True(granted.Changed, granted.Message);
        Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync(AdminOnly)).StatusCode);
        Assert.False((await ChangeAsync(handle, grant: true)).Changed);

        var revoked = await ChangeAsync(handle, grant: false);
        Assert.True(revoked.Changed, revoked.Message);
        await ApiAssert.ProblemAsync(await client.GetPathAsync(AdminOnly), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Grant_UnregisteredHandle_IsRefusedAndLeavesTheHandleFree()
    {
        var refused = await ChangeAsync("not_yet_here", grant: true);

        Assert.True(refused.Refused, refused.Message);
        Assert.Equal(0, await api.Factory.EventsInStreamAsync("user-not_yet_here"));
        // Whoever registers the handle afterwards is an ordinary user.
        var client = await api.Factory.SignUpAsync("not_yet_here");
        await ApiAssert.ProblemAsync(await client.GetPathAsync(AdminOnly), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task OperatorCommand_AsAProcess_GrantsARegisteredUserAndRefusesAnUnknownOne()
    {
        var (client, handle) = await api.SignUpAsync("by_shell");

        Assert.Equal(0, await RunCommandAsync("grant", handle));
        Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync(AdminOnly)).StatusCode);
        Assert.Equal(1, await RunCommandAsync("grant", "nobody_by_that_name"));
        Assert.Equal(2, await RunCommandAsync("promote", handle));
    }

    private Task<AdministratorCommand.Outcome> ChangeAsync(string handle, bool grant) =>
        AdministratorCommand.ChangeAsync(api.Factory.Services.GetRequiredService<IEventStore>(), handle, grant, TimeProvider.System);

    private async Task<int> RunCommandAsync(string verb, string handle)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { HostProcess.DefaultDll, AdministratorCommand.Name, verb, handle })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ConnectionStrings__Postgres"] = api.Factory.ConnectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"admin {verb} {handle}: {process.ExitCode} {await output}{await errors}");
        return process.ExitCode;
    }
}
