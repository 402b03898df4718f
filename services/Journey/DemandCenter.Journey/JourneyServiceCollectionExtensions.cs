using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Accounts;
using DemandCenter.Journey.Activity;
using DemandCenter.Journey.Prompts;
using DemandCenter.Journey.Signals;
using DemandCenter.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DemandCenter.Journey;

public static class JourneyServiceCollectionExtensions
{
    public static IServiceCollection AddJourney(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKafka(configuration);
        services.AddJourneyReadModels(configuration);
        services.AddOptions<JourneyOptions>().Bind(configuration.GetSection(JourneyOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PromptProjection>();
        services.AddSingleton<AccountDirectory>();
        services.AddHostedService<JourneySignalConsumer>();
        services.AddOutboxRelay();
        services.AddAsyncProjection<AccountActivityProjection>();
        return services;
    }

    /// <summary>The read models' tables and queries, for whichever service serves them (the Hub, or all-in-one).</summary>
    public static IServiceCollection AddJourneyReadModels(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(AccountQueries)))
        {
            return services;
        }

        services.AddEventStore(configuration, JourneyEventTypes.Register);
        services.AddOptions<RosterOptions>().Bind(configuration.GetSection(RosterOptions.Section));
        services.AddSingleton(AccountProjection.Ddl);
        services.AddSingleton(PromptProjection.Ddl);
        services.AddSingleton<PromptQueries>();
        services.AddSingleton<AccountQueries>();
        services.AddSingleton<AccountProjection>();
        services.AddSingleton<AccountTimelineQuery>();
        services.AddSingleton<IErasureHandler, JourneyErasure>();
        return services;
    }
}
