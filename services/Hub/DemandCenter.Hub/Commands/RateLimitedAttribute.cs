using System.Reflection;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace DemandCenter.Hub.Commands;

/// <summary>Marks a hub method as a person's action, counted against that person's rate limit.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RateLimitedAttribute : Attribute;

/// <summary>
/// A token bucket per person (the token's subject) for actions, so a stuck key or a script cannot flood the
/// Journey's command topic. Reads and catch-up are not limited.
/// </summary>
public sealed class ActionRateLimitFilter : IHubFilter, IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public ActionRateLimitFilter(IOptions<HubOptions> options)
    {
        var o = options.Value;
        var period = TimeSpan.FromMinutes(1) / Math.Max(1, o.ActionsPerMinute);
        _limiter = PartitionedRateLimiter.Create<string, string>(sub => RateLimitPartition.GetTokenBucketLimiter(sub, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, o.ActionBurst),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.HubMethod.GetCustomAttribute<RateLimitedAttribute>() is null)
        {
            return await next(invocationContext);
        }

        var sub = invocationContext.Context.User?.FindFirst("sub")?.Value ?? "";
        using var lease = _limiter.AttemptAcquire(sub);
        if (!lease.IsAcquired)
        {
            throw new HubException("Too many actions in a short time; wait a few seconds and try again.");
        }

        return await next(invocationContext);
    }

    public void Dispose() => _limiter.Dispose();
}
