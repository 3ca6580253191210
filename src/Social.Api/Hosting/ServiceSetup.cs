using Microsoft.AspNetCore.Http.Json;
using Social.Api.Admission;
using Social.Api.Auth;
using Social.Api.Errors;
using Social.Api.Idempotency;
using Social.Api.OpenApi;
using Social.Api.RealTime;
using Social.Infrastructure.Diagnostics;
using Social.Infrastructure.EventStore;
using Social.Infrastructure.Migrations;
using Social.Infrastructure.Postgres;
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
        var postgres = builder.Configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(postgres))
        {
            throw new InvalidOperationException("ConnectionStrings:Postgres is not set (ConnectionStrings__Postgres). The README's run command sets it.");
        }

        var services = builder.Services;
        var section = builder.Configuration.GetSection(SocialOptions.Section);
        services.AddOptions<SocialOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var social = section.Get<SocialOptions>() ?? new SocialOptions();

        services.AddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        services.AddOptions<PostgresConnectionOptions>().Bind(builder.Configuration.GetSection(PostgresConnectionOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EventStoreOptions>().Bind(builder.Configuration.GetSection(EventStoreOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddPostgresStores(postgres);
        services.AddSingleton<TransportLag>();
        services.AddSingleton<PasswordHashing>();
        services.AddSocialReadModels(builder.Configuration);
        services.AddSocialRealTime(builder.Configuration);
        services.AddSocialReadinessChecks();
        services.AddSingleton<StoreStatistics>();
        services.AddAntiforgery(options => options.Cookie.SameSite = SameSiteMode.Strict);

        builder.AddSocialSilo(postgres);
        builder.AddSocialTelemetry();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = social.Limits.MaxRequestBodyBytes);

        services.AddSocialAuth();
        services.AddSocialRateLimiting(social.RateLimit);
        services.AddSocialProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options => options.SerializerOptions.AllowTrailingCommas = false);
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<BearerSecurityTransformer>();
        });
    }

    public static async Task ApplyMigrationsAsync(this WebApplication app) =>
        await SchemaMigrations.ApplyAsync(app.Configuration.GetConnectionString("Postgres")!, app.Lifetime.ApplicationStopping);

    public static void UseSocialPipeline(this WebApplication app)
    {
        // Outermost, so that it counts the status the client gets: 500s from the exception handler, 401s, 429s.
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
        app.UseMiddleware<IdempotencyMiddleware>();
        app.UseRateLimiter();
    }
}
