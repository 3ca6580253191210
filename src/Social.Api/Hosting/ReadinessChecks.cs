using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using StackExchange.Redis;

namespace Social.Api.Hosting;

/// <summary>
/// <c>/health/ready</c>: this instance can serve, because PostgreSQL and Redis answer and its silo is an active member
/// of the cluster. Each check is bounded by a short timeout, so a store that hangs makes the instance unready quickly.
/// </summary>
internal static class ReadinessChecks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static void AddSocialReadinessChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<PostgresReady>("postgres", timeout: Timeout)
            .AddCheck<RedisReady>("redis", timeout: Timeout)
            .AddCheck<ClusterReady>("cluster", timeout: Timeout);

    public static void MapReadiness(this IEndpointRouteBuilder app) =>
        app.MapGet("/health/ready", ReadyAsync).WithTags("Health")
            .Produces<Readiness>(StatusCodes.Status200OK).Produces<Readiness>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Whether this instance can serve: PostgreSQL, Redis and its cluster membership; 503 with Retry-After when not.");

    private static async Task<IResult> ReadyAsync(HealthCheckService health, HttpContext http, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var body = new Readiness(report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new ReadinessCheck(e.Value.Status.ToString(), e.Value.Description)));
        if (report.Status == HealthStatus.Healthy)
        {
            return TypedResults.Ok(body);
        }

        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private sealed class PostgresReady(NpgsqlDataSource postgres) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = postgres.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer.");
            }
        }
    }

    private sealed class RedisReady(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Redis does not answer.");
            }
        }
    }

    // Local knowledge only: this silo's view of the membership table, refreshed by Orleans in the background.
    private sealed class ClusterReady(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
            return Task.FromResult(status == SiloStatus.Active
                ? HealthCheckResult.Healthy($"{membership.CurrentSnapshot.Members.Count(m => m.Value.Status == SiloStatus.Active)} active silos")
                : HealthCheckResult.Unhealthy($"This silo is {status} in the cluster."));
        }
    }
}

/// <summary>The body of <c>/health/ready</c>: overall status and each check's.</summary>
public sealed record Readiness(string Status, IReadOnlyDictionary<string, ReadinessCheck> Checks);

/// <summary>One readiness check: <c>Healthy</c> or <c>Unhealthy</c>, and why.</summary>
public sealed record ReadinessCheck(string Status, string? Detail);
