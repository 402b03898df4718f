using DemandCenter.Hub.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DemandCenter.Hub.Board;

public static class BoardEndpoints
{
    /// <summary>GET /api/v1/board/load: the load panel, for orchestrators' tools and scripts.</summary>
    public static IEndpointRouteBuilder MapBoardQueries(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/board/load", (SellerLoadCalculator load) => Results.Ok(load.Compute()))
            .RequireAuthorization(AuthServiceCollectionExtensions.OrchestratorPolicy)
            .WithName("GetBoardLoad");
        return app;
    }
}
