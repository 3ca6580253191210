using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Social.Infrastructure.Configuration;

namespace Social.Api.RateLimiting;

/// <summary>
/// Per-user limits on writes (per client address before sign-in: behind the load balancer, the address its
/// <c>X-Forwarded-For</c> gives, see ForwardedHeadersSetup), and a separate per-address limit on sign-in attempts, each
/// with <c>Retry-After</c> when exceeded. The per-handle limit on wrong passwords is the credentials' own
/// (Auth/Credentials), as it has to hold across instances. Reads without a token are limited per client address too
/// (every endpoint, known or not: unknown ids are what a scan asks for).
/// </summary>
internal static class WriteRateLimiting
{
    /// <summary>The policy write endpoints ask for (<c>RequireRateLimiting(WritesPolicy)</c>).</summary>
    public const string WritesPolicy = "writes";

    /// <summary>
    /// The policy of the endpoints that check a password (<c>POST /api/auth/token</c>, the administrators' sign-in page):
    /// its own bucket per client address, so that guessing passwords does not use up the address's writes (registering
    /// included) nor the other way round.
    /// </summary>
    public const string SignInPolicy = "sign-in";

    public static void AddWriteRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RateLimitOptions>(configuration, RateLimitOptions.Section);
        services.AddValidatedOptions<SignInOptions>(configuration, SignInOptions.Section);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, IOptions<SignInOptions>>((options, configured, configuredSignIn) =>
        {
            var limits = configured.Value;
            var signIn = configuredSignIn.Value;
            options.AddPolicy(WritesPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.User.Identity?.Name is { } user ? $"user:{user}" : $"ip:{http.Connection.RemoteIpAddress}",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.WritesPerWindow,
                    Window = limits.Window,
                    QueueLimit = 0,
                }));
            options.AddPolicy(SignInPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                $"ip:{http.Connection.RemoteIpAddress}",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = signIn.AttemptsPerAddress,
                    Window = signIn.AddressWindow,
                    QueueLimit = 0,
                }));
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => IsAnonymousRead(http)
                ? RateLimitPartition.GetFixedWindowLimiter($"read:{http.Connection.RemoteIpAddress}", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.AnonymousReadsPerWindow,
                    Window = limits.Window,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(string.Empty));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var isSignIn = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == SignInPolicy;
                var (window, detail) = isSignIn
                    ? (signIn.AddressWindow,
                        $"At most {signIn.AttemptsPerAddress} sign-in attempts per {signIn.AddressWindow.TotalSeconds} s from one address; retry after the time in Retry-After.")
                    : IsAnonymousRead(http)
                    ? (limits.Window,
                        $"At most {limits.AnonymousReadsPerWindow} reads per {limits.Window.TotalSeconds} s from one address without signing in; sign in, or retry after the time in Retry-After.")
                    : (limits.Window, $"At most {limits.WritesPerWindow} writes per {limits.Window.TotalSeconds} s; retry after the time in Retry-After.");
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                RetryAfter.Set(http.Response, context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = detail,
                    },
                });
            };
        });
    }

    private static bool IsAnonymousRead(HttpContext http) =>
        (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        && http.Request.Path.StartsWithSegments("/api")
        && http.User.Identity?.IsAuthenticated != true;
}
