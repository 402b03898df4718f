using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace DemandCenter.Hub.Auth;

public static class AuthServiceCollectionExtensions
{
    public const string SellerPolicy = "seller";
    public const string OrchestratorPolicy = "orchestrator";

    public static IServiceCollection AddDemandAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.Audience = options.Audience;
            if (!string.IsNullOrEmpty(options.Authority))
            {
                jwt.Authority = options.Authority;
            }

            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                NameClaimType = "sub",
                RoleClaimType = "role",
                ValidAudience = options.Audience,
                ValidateIssuer = string.IsNullOrEmpty(options.Authority) ? true : jwt.TokenValidationParameters.ValidateIssuer,
                ValidIssuer = string.IsNullOrEmpty(options.Authority) ? options.Issuer : null,
                IssuerSigningKey = SigningKey(options),
            };
            jwt.Events = new JwtBearerEvents
            {
                // Browsers cannot set headers on WebSockets, so a hub's WebSocket request (and nothing else) may carry
                // the token in the query string; negotiation and every other request use the Authorization header.
                OnMessageReceived = ctx =>
                {
                    if (ctx.HttpContext.Request.Path.StartsWithSegments("/hubs") && ctx.HttpContext.WebSockets.IsWebSocketRequest
                        && ctx.Request.Query.TryGetValue("access_token", out var token))
                    {
                        ctx.Token = token;
                    }

                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(SellerPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Seller))
            .AddPolicy(OrchestratorPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Orchestrator));
        services.AddSingleton<DevTokens>();
        return services;
    }

    internal static SymmetricSecurityKey? SigningKey(AuthOptions options) =>
        string.IsNullOrEmpty(options.SigningKey) ? null : new SymmetricSecurityKey(Convert.FromBase64String(options.SigningKey));
}
