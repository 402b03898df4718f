using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace DemandCenter.Hub.Security;

/// <summary>
/// Cross-site WebSocket hijacking guard: a browser sends Origin on every hub request (negotiate and the WebSocket
/// upgrade), and WebSockets are not covered by CORS, so hub requests from a page of another origin are refused with
/// 403. The app's own origin is always allowed, others only when listed in Demand:Hub:AllowedOrigins. Requests
/// without Origin come from non-browser clients, which no foreign page can drive with a victim's credentials.
/// </summary>
public static class OriginAllowList
{
    public static bool Allows(HttpRequest request, string origin, IReadOnlyCollection<string> allowed)
    {
        var own = request.Scheme + "://" + request.Host.Value;
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
               || allowed.Any(a => string.Equals(a.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }

    public static IApplicationBuilder UseHubOriginCheck(this IApplicationBuilder app) =>
        app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments("/hubs"), hubs => hubs.Use(async (ctx, next) =>
        {
            var origin = ctx.Request.Headers[HeaderNames.Origin];
            if (origin.Count > 0)
            {
                var allowed = ctx.RequestServices.GetRequiredService<IOptionsMonitor<HubOptions>>().CurrentValue.AllowedOrigins;
                if (origin.Count > 1 || !Allows(ctx.Request, origin.ToString(), allowed))
                {
                    ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return;
                }
            }

            await next(ctx);
        }));
}
