using System.Security.Claims;
using DemandCenter.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DemandCenter.Hub.Auth;

/// <summary>Embedded mode only: signed tokens for members of the demo roster, so a person can try the product without an identity provider.</summary>
public sealed class DevTokens(IOptions<AuthOptions> auth, IOptionsMonitor<RosterOptions> roster, TimeProvider time)
{
    public string? Issue(string sub)
    {
        var person = roster.CurrentValue.Person(sub);
        var key = AuthServiceCollectionExtensions.SigningKey(auth.Value);
        if (person is null || key is null)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Value.Issuer,
            Audience = auth.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + auth.Value.DevTokenLifetime,
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", person.Id),
                new Claim("name", person.Name),
                new Claim("role", person.Role),
            ]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}

public static class DevTokenEndpoints
{
    public sealed record TokenRequest(string? Sub);

    public sealed record TokenResponse(string AccessToken, string Sub, string Name, string Role);

    public static IEndpointRouteBuilder MapDevTokens(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/dev/token", (TokenRequest request, DevTokens tokens, IOptionsMonitor<RosterOptions> roster) =>
        {
            if (string.IsNullOrWhiteSpace(request.Sub))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["sub"] = ["'sub' is required: the id of a roster member, such as ana."] });
            }

            var person = roster.CurrentValue.Person(request.Sub);
            var token = person is null ? null : tokens.Issue(person.Id);
            return token is null
                ? Results.ValidationProblem(new Dictionary<string, string[]> { ["sub"] = [$"'{request.Sub}' is not in the roster."] })
                : Results.Ok(new TokenResponse(token, person!.Id, person.Name, person.Role));
        }).AllowAnonymous().WithName("DevToken");

        // The sign-in page lists whom one can be; embedded mode only, like the token endpoint.
        app.MapGet("/api/v1/dev/roster", (IOptionsMonitor<RosterOptions> roster) =>
            roster.CurrentValue.People.Select(p => new { p.Id, p.Name, p.Role, p.Specialty, p.Territory })).AllowAnonymous().WithName("DevRoster");
        return app;
    }
}
