using Microsoft.AspNetCore.Http.HttpResults;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Api.Auth;
using Social.Infrastructure.Streaming;

namespace Social.Api.Admin;

/// <summary><c>/api/admin</c>: read-model positions, lag and rebuild; administrators only.</summary>
internal static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization(AuthSetup.AdminPolicy).WithTags("Admin")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/projections", StatusAsync)
            .WithSummary("Where each projection queue stands: its checkpoint, the event store's head, the lag in events and seconds, and the last rebuild.");
        admin.MapPost("/projections/rebuild", RebuildAsync)
            .WithSummary("Drops every read model and replays the event store into them; returns at once.");
        return admin;
    }

    private static async Task<Ok<ProjectionsStatus>> StatusAsync(TransportLag lag, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var report = await lag.ReadAsync(EventStreams.ProviderName, cancellationToken);
        var rebuild = await grains.GetGrain<IRebuildGrain>(IRebuildGrain.Key).GetStatusAsync();
        return TypedResults.Ok(new ProjectionsStatus(report.Head, report.Queues, rebuild));
    }

    private static async Task<Accepted<RebuildStatus>> RebuildAsync(IGrainFactory grains) =>
        TypedResults.Accepted("/api/admin/projections", await grains.GetGrain<IRebuildGrain>(IRebuildGrain.Key).StartAsync());
}

/// <summary>The body of <c>GET /api/admin/projections</c>.</summary>
/// <param name="Head">The newest event in the store (null when it is empty).</param>
/// <param name="Projections">Each queue that feeds the projections, with its checkpoint and lag.</param>
/// <param name="Rebuild">The current or last rebuild of the read models.</param>
public sealed record ProjectionsStatus(EventStoreHead? Head, IReadOnlyList<QueueLag> Projections, RebuildStatus Rebuild);
