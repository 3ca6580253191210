using System.Net;
using Npgsql;
using Social.Api.Tests.Support;
using Social.Infrastructure.Postgres;
using Xunit;

namespace Social.Api.Tests.Operations;

/// <summary>
/// However many requests arrive at once, an instance holds no more PostgreSQL connections than its budget
/// (<see cref="PostgresConnectionOptions.PerInstance"/>), so N instances can be sized against <c>max_connections</c>.
/// </summary>
public sealed class ConnectionBudgetTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task ManyConcurrentWritesAndReads_ConnectionsStayWithinTheBudget()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => api.SignUpAsync("budget")));
        var peak = 0L;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                peak = Math.Max(peak, await ConnectionsAsync());
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);

        // 400 posts and 400 reads, all sent at once.
        var requests = users.SelectMany(u => Enumerable.Range(0, 50).SelectMany(i => new[]
        {
            u.Client.PostJsonAsync("/api/posts", new { text = $"budget {i}" }),
            u.Client.GetPathAsync($"/api/users/{u.Handle}"),
        })).ToList();
        var answers = await Task.WhenAll(requests);
        await watching.CancelAsync();
        await watcher;

        Assert.All(answers, a => Assert.True(a.IsSuccessStatusCode || a.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)a.StatusCode}"));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Created);
        var budget = new PostgresConnectionOptions().PerInstance;
        Assert.InRange(Math.Max(peak, await ConnectionsAsync()), 1, budget);
    }

    // The host's connections to its own database: every one but this query's.
    private async Task<long> ConnectionsAsync()
    {
        await using var connection = new NpgsqlConnection(api.Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
