using Microsoft.AspNetCore.Http.HttpResults;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Api.Auth;
using Social.Domain.Errors;
using Social.Infrastructure.Diagnostics;
using Social.Streaming;

namespace Social.Api.Admin;

/// <summary><c>/api/admin</c>: read-model positions, lag and rebuild, the stores and the cluster; administrators only.</summary>
internal static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization(AuthSetup.AdminPolicy).WithTags("Admin")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .AddEndpointFilter(AdminCookie.RequirePageHeaderOnWrites);
        admin.MapGet("/projections", StatusAsync)
            .WithSummary("Where each projection queue stands: its checkpoint, the event store's head, the lag in events and seconds, and the last rebuild.");
        admin.MapPost("/projections/rebuild", RebuildAsync)
            .WithSummary("Drops every read model and replays the event store into them; returns at once.");
        admin.MapGet("/projections/parked", ParkedAsync)
            .WithSummary("The streams whose projection is parked at an event that kept failing, oldest first (at most 500).");
        admin.MapPost("/projections/parked/{streamId}/redrive", RedriveAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Releases a parked stream and has its projection catch up from where it stopped; parked again if the event still fails.");
        admin.MapGet("/stores", StoresAsync)
            .WithSummary("The event store's head and events per type; Redis's memory and keys per kind.");
        admin.MapGet("/cluster", ClusterAsync)
            .WithSummary("The silos with their status, and the active grains per type (from the management grain).");
        return admin;
    }

    private static async Task<Ok<StoresStatus>> StoresAsync(StoreStatistics statistics, TransportLag lag, CancellationToken cancellationToken)
    {
        var head = (await lag.ReadAsync(EventStreams.ProviderName, cancellationToken)).Head;
        return TypedResults.Ok(new StoresStatus(head, await statistics.ReadEventStoreAsync(cancellationToken), await statistics.ReadRedisAsync()));
    }

    private static async Task<Ok<ClusterStatus>> ClusterAsync(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var silos = (await management.GetDetailedHosts(onlyActive: false))
            .Select(s => new SiloStatusView(s.SiloAddress.ToString(), s.SiloName, s.HostName, s.Status.ToString(), s.StartTime, s.IAmAliveTime))
            .OrderBy(s => s.Address, StringComparer.Ordinal)
            .ToList();
        var activations = (await management.GetSimpleGrainStatistics())
            .GroupBy(g => g.GrainType)
            .Select(g => new GrainTypeActivations(g.Key, g.Sum(s => s.ActivationCount), g.Count(s => s.ActivationCount > 0)))
            .OrderByDescending(g => g.Activations)
            .ToList();
        return TypedResults.Ok(new ClusterStatus(silos, activations));
    }

    private static async Task<Ok<ProjectionsStatus>> StatusAsync(TransportLag lag, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var report = await lag.ReadAsync(EventStreams.ProviderName, cancellationToken);
        var rebuild = await grains.GetGrain<IRebuildGrain>(IRebuildGrain.Key).GetStatusAsync();
        return TypedResults.Ok(new ProjectionsStatus(report.Head, report.Queues, rebuild));
    }

    private static async Task<Ok<IReadOnlyList<ParkedStream>>> ParkedAsync(IParkedStreams parked, CancellationToken cancellationToken) =>
        TypedResults.Ok(await parked.ListAsync(limit: 500, cancellationToken));

    private static async Task<Ok<RedriveResult>> RedriveAsync(string streamId, IParkedStreams parked, IGrainFactory grains)
    {
        if (!await parked.ReleaseAsync(streamId))
        {
            throw new NotFoundException($"The stream '{streamId}' is not parked.");
        }

        return TypedResults.Ok(new RedriveResult(streamId, await grains.ProjectionOf(streamId).CatchUpAsync()));
    }

    private static async Task<Accepted<RebuildStatus>> RebuildAsync(IGrainFactory grains) =>
        TypedResults.Accepted("/api/admin/projections", await grains.GetGrain<IRebuildGrain>(IRebuildGrain.Key).StartAsync());
}

/// <summary>The body of <c>GET /api/admin/projections</c>.</summary>
/// <param name="Head">The newest event in the store (null when it is empty).</param>
/// <param name="Projections">Each queue that feeds the projections, with its checkpoint and lag.</param>
/// <param name="Rebuild">The current or last rebuild of the read models.</param>
public sealed record ProjectionsStatus(EventStoreHead? Head, IReadOnlyList<QueueLag> Projections, RebuildStatus Rebuild);

/// <summary>The body of a re-drive's answer.</summary>
/// <param name="StreamId">The stream re-driven.</param>
/// <param name="CaughtUp">True when its projection applied everything; false when an event failed again and it is parked again.</param>
public sealed record RedriveResult(string StreamId, bool CaughtUp);

/// <summary>The body of <c>GET /api/admin/stores</c>.</summary>
public sealed record StoresStatus(EventStoreHead? Head, EventStoreStatistics EventStore, RedisStatistics Redis);

/// <summary>The body of <c>GET /api/admin/cluster</c>.</summary>
public sealed record ClusterStatus(IReadOnlyList<SiloStatusView> Silos, IReadOnlyList<GrainTypeActivations> Grains);

/// <summary>A silo as the membership table has it.</summary>
public sealed record SiloStatusView(string Address, string Name, string Host, string Status, DateTime StartedAt, DateTime AliveAt);

/// <summary>How many activations of a grain type there are, on how many silos.</summary>
public sealed record GrainTypeActivations(string Type, int Activations, int Silos);
