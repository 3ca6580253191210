using System.Net;
using Microsoft.IdentityModel.Tokens;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Security;

/// <summary>
/// A token is accepted only in the form the host issues: signed with HS256 and expiring within the configured lifetime.
/// The host here has a key long enough for HS512 (64 bytes), so an HS512 token signed with it would otherwise verify.
/// </summary>
public sealed class TokenHardeningTests(StoresFixture stores) : IAsyncLifetime
{
    private const string LongKey = "a-64-byte-signing-key-long-enough-for-hs512-0123456789abcdefghij";

    private SocialApiFactory? _factory;

    private SocialApiFactory Factory => _factory!;

    public async ValueTask InitializeAsync()
    {
        var database = await stores.Postgres.CreateDatabaseAsync("tokens");
        _factory = SocialApiFactory.Start(database, stores.Redis.ConnectionString, new Dictionary<string, string?> { ["Social:Jwt:SigningKey"] = LongKey });
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    [Fact]
    public async Task Tokens_OnlyHs256WithinTheLifetime_AreAccepted()
    {
        await Factory.SignUpAsync("holder");
        var now = DateTime.UtcNow;

        var issued = SocialApiFactory.MintToken("holder", now.AddMinutes(30), LongKey, issued: now);
        var hs512 = SocialApiFactory.MintToken("holder", now.AddMinutes(30), LongKey, algorithm: SecurityAlgorithms.HmacSha512, issued: now);
        var century = SocialApiFactory.MintToken("holder", now.AddYears(100), LongKey, issued: now);
        var justPastTheLifetime = SocialApiFactory.MintToken("holder", now.AddHours(1).AddMinutes(5), LongKey, issued: now);

        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(issued));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(hs512));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(century));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(justPastTheLifetime));
    }

    private async Task<HttpStatusCode> StatusWithAsync(string token) =>
        (await Factory.CreateClient(token).GetPathAsync("/api/timelines/home")).StatusCode;
}
