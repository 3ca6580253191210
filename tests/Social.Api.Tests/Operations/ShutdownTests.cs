using System.Diagnostics;
using System.Net;
using Social.Api.Hosting;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Operations;

/// <summary>
/// A SIGTERM ends a real Social.Api process within its shutdown timeout also when PostgreSQL cannot be reached: the
/// orchestrator kills it soon after (docker-compose.yml, k8s/social-api.yaml). Two hosts run side by side, each over a
/// PostgreSQL server of its own, so that both outages are waited out at once: one server is shut down (connections are
/// refused), the other frozen (connections and queries hang without an answer). A graceful stop with PostgreSQL up is
/// covered by <see cref="ClusterKillTests"/>.
/// </summary>
public sealed class ShutdownTests(StoresFixture stores)
{
    // Beyond the shutdown timeout: the process's own exit after the host has stopped.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_WhilePostgresIsDownOrHanging_ExitsWithinTheShutdownTimeout()
    {
        await using var down = await PostgresServer.StartAsync();
        await using var hanging = await PostgresServer.StartAsync();
        var outages = await Task.WhenAll(
            StopWithoutPostgresAsync("down", down, down.StopAsync),
            StopWithoutPostgresAsync("hanging", hanging, hanging.PauseAsync));

        var output = TestContext.Current.TestOutputHelper;
        foreach (var (name, exit, took) in outages)
        {
            output?.WriteLine($"PostgreSQL {name}: SIGTERM → exit {exit?.ToString() ?? "none"} after {took.TotalSeconds:0.0} s.");
        }

        foreach (var (name, exit, took) in outages)
        {
            Assert.True(exit is not null, $"PostgreSQL {name}: the host had not exited {took.TotalSeconds:0.0} s after SIGTERM (shutdown timeout {ServiceSetup.ShutdownTimeout.TotalSeconds} s).");
            Assert.True(exit == 0, $"PostgreSQL {name}: the host exited with {exit}.");
        }
    }

    private async Task<(string Name, int? Exit, TimeSpan Took)> StopWithoutPostgresAsync(string name, PostgresServer postgres, Func<Task> outage)
    {
        var output = TestContext.Current.TestOutputHelper;
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = await postgres.CreateDatabaseAsync("shutdown"),
            ["ConnectionStrings__Redis"] = stores.Redis.ConnectionString,
            ["Social__Jwt__SigningKey"] = SocialApiFactory.SigningKey,
            ["Social__Cluster__ClusterId"] = $"shutdown-{Guid.NewGuid():N}",
        };
        // The first line of each log entry (warnings and up), without the stack traces of the outage's errors.
        await using var host = await HostProcess.StartAsync(settings, line =>
        {
            if (!char.IsWhiteSpace(line[0]))
            {
                output?.WriteLine($"[{name}] {line}");
            }
        }, Ct);

        // Serving, with its silo active in the cluster and its stream queues running, before PostgreSQL goes.
        await ReadyAsync(host);
        await outage();
        var watch = Stopwatch.StartNew();
        var exit = await host.StopAsync(ServiceSetup.ShutdownTimeout + Margin);
        return (name, exit, watch.Elapsed);
    }

    private static async Task ReadyAsync(HostProcess host)
    {
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while ((await http.GetAsync("/health/ready", Ct)).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the host did not become ready within 60 s");
            await Task.Delay(200, Ct);
        }
    }
}
