using System.Security.Claims;
using DemandCenter.EventStore;
using DemandCenter.Hub.Auth;
using DemandCenter.Journey.Accounts;
using DemandCenter.Journey.Prompts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DemandCenter.Hub.Api;

/// <summary>The REST queries of CONTRACTS.md. Every route requires a token; a seller reads only their own prompts.</summary>
public static class QueryEndpoints
{
    public static IEndpointRouteBuilder MapQueries(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization();

        api.MapGet("/accounts/{accountId}", async (string accountId, AccountQueries accounts, CancellationToken ct) =>
            await accounts.GetAsync(accountId.ToLowerInvariant(), ct) is { } view
                ? Results.Ok(view)
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No account '{accountId}'."))
            .WithName("GetAccount");

        api.MapGet("/accounts/{accountId}/timeline", async (string accountId, DateTimeOffset? asOf, AccountTimelineQuery timeline, CancellationToken ct) =>
            Results.Ok(await timeline.GetAsync(accountId.ToLowerInvariant(), asOf, ct)))
            .WithName("GetAccountTimeline");

        api.MapGet("/accounts", async (string? focus, string? owner, string? territory, AccountQueries accounts, CancellationToken ct) =>
            Results.Ok(await accounts.ListAsync(focus, owner, territory, ct)))
            .WithName("ListAccounts");

        api.MapGet("/sellers/{sellerId}/prompts", async (string sellerId, string? status, ClaimsPrincipal user, PromptQueries prompts, CancellationToken ct) =>
        {
            if (!user.IsInRole(Roles.Orchestrator) && user.FindFirst("sub")?.Value != sellerId)
            {
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "A seller may read only their own prompts.");
            }

            return Results.Ok(await prompts.ForSellerAsync(sellerId, status, ct));
        }).WithName("GetSellerPrompts");

        // A contact's right to be forgotten: orchestrators act on the request (the data subject has no login here).
        api.MapDelete("/contacts/{contactId}", async (string contactId, PersonalDataEraser eraser, CancellationToken ct) =>
        {
            await eraser.EraseAsync(contactId, ct);
            return Results.NoContent();
        }).RequireAuthorization(AuthServiceCollectionExtensions.OrchestratorPolicy).WithName("EraseContact");

        return app;
    }
}
