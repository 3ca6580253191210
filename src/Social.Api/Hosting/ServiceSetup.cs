using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Social.Abstractions.ReadModels;
using Social.Api.Admission;
using Social.Api.Auth;
using Social.Api.Errors;
using Social.Api.Idempotency;
using Social.Api.OpenApi;
using Social.Api.RateLimiting;
using Social.Api.RealTime;
using Social.Api.Timelines;
using Social.Infrastructure.Configuration;
using Social.Infrastructure.Diagnostics;
using Social.Infrastructure.Migrations;
using Social.Infrastructure.Postgres;
using Social.Infrastructure.ReadModels;
using Social.Infrastructure.SignIn;
using Social.Streaming;

namespace Social.Api.Hosting;

/// <summary>Everything the host registers and the order of its middleware, kept out of Program.cs.</summary>
internal static class ServiceSetup
{
    /// <summary>
    /// How long a stopping host may take: the silo leaves the cluster and hands its stream queues over. Deployments give
    /// a process longer than this before killing it (docker-compose.yml, k8s/social-api.yaml).
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    public static void AddSocialServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);

        services.AddPostgresStores(configuration);
        services.AddRedisReadModels(configuration);
        services.AddRedisSignInFailures();
        services.AddSocialDataProtection();
        services.AddSocialRealTime(configuration);
        builder.AddSocialSilo();
        builder.AddSocialTelemetry();

        services.AddSingleton<TimelineReader>();
        services.AddSingleton<IStreamExistence, StreamExistence>();
        services.AddSingleton<TransportLag>();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<StoreStatistics>();
        services.AddSocialReadinessChecks();
        services.AddAntiforgery(options => options.Cookie.SameSite = SameSiteMode.Strict);
        services.AddForwardedHeaders(configuration);
        services.AddValidatedOptions<HttpsOptions>(configuration, HttpsOptions.Section);
        services.AddOptions<HstsOptions>().Configure<IOptions<HttpsOptions>>((hsts, https) => hsts.MaxAge = https.Value.HstsMaxAge);
        services.AddMetricsPort(configuration);

        services.AddValidatedOptions<RequestLimitsOptions>(configuration, RequestLimitsOptions.Section);
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitsOptions>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        services.AddValidatedOptions<AdmissionOptions>(configuration, AdmissionOptions.Section);
        services.AddValidatedOptions<IdempotencyOptions>(configuration, IdempotencyOptions.Section);
        services.AddHostedService<IdempotencyKeyExpiry>();
        services.AddSocialAuth(configuration);
        services.AddWriteRateLimiting(configuration);
        services.AddSocialProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options => options.SerializerOptions.AllowTrailingCommas = false);
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<PageLimitTransformer>();
        });
    }

    public static async Task ApplyMigrationsAsync(this WebApplication app) =>
        await SchemaMigrations.ApplyAsync(app.Services.GetRequiredService<PostgresConnections>().Database, app.Lifetime.ApplicationStopping);

    public static void UseSocialPipeline(this WebApplication app)
    {
        // First, so that everything after it sees the client's address and scheme rather than the load balancer's.
        app.UseForwardedHeaders();
        if (app.Services.GetRequiredService<IOptions<HttpsOptions>>().Value.Hsts)
        {
            // Only on HTTPS requests (as the proxy reports them), and never for localhost.
            app.UseHsts();
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        // The metrics port answers /metrics only, the API's ports everything else.
        app.UseMetricsPort();
        // Outermost of the API's own, so that it counts the status the client gets: 500s from the exception handler, 401s, 429s.
        app.UseMiddleware<CommandMetricsMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Before authentication, so that a write refused for overload costs next to nothing.
        app.UseMiddleware<WriteAdmission>();
        // The web client (wwwroot): index.html at /, the SignalR browser bundle beside it.
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<CommandContextMiddleware>();
        // Rate limits before idempotency keys are claimed: a caller over its limit stores nothing.
        app.UseRateLimiter();
        app.UseMiddleware<IdempotencyMiddleware>();
    }
}
