namespace Social.Api.Hosting;

internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Liveness stays local: it answers while the process can serve requests, touching no grain or store.
        app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" })).WithTags("Health")
            .WithSummary("Liveness: the process serves requests (no grain or store is asked).");
        app.MapReadiness();
    }
}
