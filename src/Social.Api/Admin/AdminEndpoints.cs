using Microsoft.AspNetCore.Http.HttpResults;
using Social.Abstractions.ReadModels;
using Social.Api.Auth;

namespace Social.Api.Admin;

/// <summary><c>/api/admin</c>: read-model positions, lag and rebuild; administrators only.</summary>
internal static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization(AuthSetup.AdminPolicy).WithTags("Admin")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapPost("/projections/rebuild", RebuildAsync)
            .WithSummary("Drops every read model and replays the event store into them; returns at once.");
        return admin;
    }

    private static async Task<Accepted<RebuildStatus>> RebuildAsync(IGrainFactory grains) =>
        TypedResults.Accepted("/api/admin/projections", await grains.GetGrain<IRebuildGrain>(IRebuildGrain.Key).StartAsync());
}
