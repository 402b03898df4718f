using System.Threading.RateLimiting;
using DemandCenter.Ingestion.Collector;
using DemandCenter.EventStore;
using DemandCenter.Ingestion.Consuming;
using DemandCenter.Ingestion.Dedupe;
using DemandCenter.Ingestion.Identity;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Ingestion.Domain.Validation;
using DemandCenter.Ingestion.Forwarding;
using DemandCenter.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DemandCenter.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKafka(configuration);
        services.AddApiKeys(configuration);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<IngestionOptions>>().Value;
            return new IdentityResolver(o.FreeMailDomains.Count > 0 ? o.FreeMailDomains.ToHashSet(StringComparer.Ordinal) : IdentityResolver.DefaultFreeMail);
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<IngestionOptions>>().Value;
            var categories = o.PageCategories.Count > 0
                ? new PageCategoryRules(o.PageCategories.Select(r => new KeyValuePair<string, string>(r.Contains, r.Category)).ToList())
                : PageCategoryRules.Default;
            return new SignalIntake(IngestionLimits.Default, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IdentityResolver>(), categories);
        });
        services.AddSingleton<SignalRouter>();
        services.AddSingleton<IdentityStore>();
        services.AddSingleton<IErasureHandler, IngestionErasure>();
        services.AddHostedService<IngestionConsumer>();
        services.AddHostedService<IngestionJanitor>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignalCollector.RateLimitPolicy, http =>
            {
                var perSecond = http.RequestServices.GetRequiredService<IOptions<IngestionOptions>>().Value.RequestsPerSecond;
                // Partition by the presented key (hashed, so the limiter never holds a secret).
                return RateLimitPartition.GetTokenBucketLimiter(ApiKeys.Hash(http.Request.Headers.Authorization.ToString()), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
        });
        return services;
    }

    /// <summary>Publisher keys and the Ingestion tables: for the Ingestion service, and for the service that hosts key administration.</summary>
    public static IServiceCollection AddApiKeys(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(ApiKeys)))
        {
            return services;
        }

        services.AddEventStore(configuration);
        services.AddSingleton(IngestionSchema.Ddl);
        services.AddOptions<IngestionOptions>().Bind(configuration.GetSection(IngestionOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeys>();
        return services;
    }

    public static IEndpointRouteBuilder MapIngestion(this IEndpointRouteBuilder app) => app.MapSignalCollector();
}
