using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Social.Infrastructure.Configuration;

namespace Social.Api.RateLimiting;

/// <summary>
/// Per-user limits on writes (per client address before sign-in: behind the load balancer, the address its
/// <c>X-Forwarded-For</c> gives, Hosting/ForwardedHeadersSetup), with <c>Retry-After</c> when exceeded.
/// </summary>
internal static class WriteRateLimiting
{
    /// <summary>The policy write endpoints ask for (<c>RequireRateLimiting(WritesPolicy)</c>).</summary>
    public const string WritesPolicy = "writes";

    public static void AddWriteRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RateLimitOptions>(configuration, RateLimitOptions.Section);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, configured) =>
        {
            var limits = configured.Value;
            options.AddPolicy(WritesPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.User.Identity?.Name is { } user ? $"user:{user}" : $"ip:{http.Connection.RemoteIpAddress}",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.WritesPerWindow,
                    Window = limits.Window,
                    QueueLimit = 0,
                }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limits.Window;
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = $"At most {limits.WritesPerWindow} writes per {limits.Window.TotalSeconds} s; retry after the time in Retry-After.",
                    },
                });
            };
        });
    }
}
