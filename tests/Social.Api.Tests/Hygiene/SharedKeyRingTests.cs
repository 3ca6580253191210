using System.Net;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Social.Api.Tests.Support;
using Social.Testing;
using StackExchange.Redis;
using Xunit;

namespace Social.Api.Tests.Hygiene;

/// <summary>
/// Two instances of one cluster over one database and one Redis, each with a file system of its own, as two containers
/// have: whatever an instance would keep on its disk, the other cannot see.
/// </summary>
public sealed class SeparateMachinesFixture(StoresFixture stores) : IAsyncLifetime
{
    private readonly List<DirectoryInfo> _disks = [];
    private SocialApiFactory? _first;
    private SocialApiFactory? _second;

    public SocialApiFactory First => _first ?? throw new InvalidOperationException("not started");

    public SocialApiFactory Second => _second ?? throw new InvalidOperationException("not started");

    public string Redis => stores.Redis.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        var database = await stores.Postgres.CreateDatabaseAsync("api_tests");
        var cluster = new Dictionary<string, string?> { ["Social:Cluster:ClusterId"] = $"key-ring-{Guid.NewGuid():N}" };
        _first = SocialApiFactory.Start(database, Redis, cluster, OwnDisk());
        _second = SocialApiFactory.Start(database, Redis, cluster, OwnDisk());
    }

    public async ValueTask DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        if (_first is not null)
        {
            await _first.DisposeAsync();
        }

        foreach (var disk in _disks)
        {
            disk.Delete(recursive: true);
        }
    }

    // In one test process both hosts would find the same default key folder (in the user's home); a container has its
    // own. Only the default is replaced: a key store the host configures itself stays as it is.
    private Action<IServiceCollection> OwnDisk()
    {
        var disk = Directory.CreateTempSubdirectory("social-keys-");
        _disks.Add(disk);
        return services => services.PostConfigure<KeyManagementOptions>(options =>
        {
            if (options.XmlRepository is null or FileSystemXmlRepository)
            {
                options.XmlRepository = new FileSystemXmlRepository(disk, NullLoggerFactory.Instance);
            }
        });
    }
}

public sealed class SharedKeyRingTests(SeparateMachinesFixture instances) : IClassFixture<SeparateMachinesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdminCookie_IssuedByOneInstance_IsAcceptedByAnother()
    {
        await instances.First.SignUpAsync(SocialApiFactory.Admin);
        await instances.First.GrantAdministratorAsync(SocialApiFactory.Admin);
        var cookies = new CookieContainer();
        var onFirst = AdminBrowser.Create(instances.First.CreateClient().BaseAddress!, cookies);
        AdminBrowser.AdminCookie(await AdminBrowser.SignInAsync(onFirst, SocialApiFactory.Admin));
        var cookie = cookies.GetCookies(onFirst.BaseAddress!)[AdminBrowser.CookieName]!.Value;

        // The same browser, sent to the other instance by the load balancer.
        var onSecond = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = instances.Second.CreateClient().BaseAddress,
        };
        onSecond.DefaultRequestHeaders.Add("Cookie", $"{AdminBrowser.CookieName}={cookie}");
        foreach (var path in new[] { "/admin", "/api/admin/stores" })
        {
            var response = await onSecond.GetAsync(path, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} on the second instance: {(int)response.StatusCode}");
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(instances.Redis);
        Assert.True(await redis.GetDatabase().ListLengthAsync("social:dataprotection-keys") > 0, "the key ring is in Redis");
    }
}
