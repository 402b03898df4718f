using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DemandCenter.Ingestion.Collector;

/// <summary>Publisher key administration for orchestrators: create (the key is shown once), list (no secrets), revoke.</summary>
public static class ApiKeyAdmin
{
    public sealed record CreateRequest(string? Name);

    public static IEndpointRouteBuilder MapApiKeyAdmin(this IEndpointRouteBuilder app, string policy)
    {
        var keys = app.MapGroup("/api/v1/admin/api-keys").RequireAuthorization(policy);
        keys.MapPost("", async (CreateRequest request, ApiKeys apiKeys, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["'name' is required: up to 100 characters naming the publisher."] });
            }

            var created = await apiKeys.CreateAsync(request.Name.Trim(), ct);
            return Results.Created($"/api/v1/admin/api-keys/{created.Id}", created);
        }).WithName("CreateApiKey");
        keys.MapGet("", async (ApiKeys apiKeys, CancellationToken ct) => Results.Ok(await apiKeys.ListAsync(ct))).WithName("ListApiKeys");
        keys.MapDelete("/{id:guid}", async (Guid id, ApiKeys apiKeys, CancellationToken ct) =>
            await apiKeys.RevokeAsync(id, ct) ? Results.NoContent() : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No active key {id}."))
            .WithName("RevokeApiKey");
        return app;
    }
}
