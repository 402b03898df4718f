using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Accounts;
using DemandCenter.Journey.Clock;
using DemandCenter.Journey.Domain.Playbooks;
using DemandCenter.Journey.Forecast;
using DemandCenter.Journey.Prompts;
using DemandCenter.Journey.Signals;
using DemandCenter.Journey.Team;
using DemandCenter.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DemandCenter.Journey;

public static class JourneyServiceCollectionExtensions
{
    public static IServiceCollection AddJourney(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKafka(configuration);
        services.AddJourneyReadModels(configuration);
        services.AddSingleton<PromptProjection>();
        services.AddSingleton<TeamDirectory>();
        // One hosted consumer per lane: the group spreads the partitions over them (range assignment keeps an account's
        // signals and commands together).
        var lanes = configuration.GetSection(JourneyOptions.Section).GetValue<int?>(nameof(JourneyOptions.Lanes)) ?? new JourneyOptions().Lanes;
        Signals.BatchWork.SpreadLargeBatches = lanes < Environment.ProcessorCount;
        for (var lane = 0; lane < Math.Max(1, lanes); lane++)
        {
            services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<JourneyConsumer>(sp));
        }

        services.AddHostedService<JourneyClock>();
        services.AddOutboxRelay();
        services.AddAsyncProjection<TransitionProjection>();
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
        services.AddOptions<JourneyOptions>().Bind(configuration.GetSection(JourneyOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => LoadPlaybook(sp.GetRequiredService<IOptions<JourneyOptions>>().Value));
        services.AddSingleton(AccountProjection.Ddl);
        services.AddSingleton(PromptProjection.Ddl);
        services.AddSingleton<AccountDirectory>();
        services.AddSingleton<HotAccounts>();
        services.AddSingleton<TransitionModelCache>();
        services.AddSingleton<PromptQueries>();
        services.AddSingleton<AccountQueries>();
        services.AddSingleton<AccountProjection>();
        services.AddSingleton<AccountRows>();
        services.AddSingleton<AccountTimelineQuery>();
        services.AddSingleton<IErasureHandler, JourneyErasure>();
        return services;
    }

    /// <summary>The configured playbook file, else the built-in one. A broken file stops start-up with the reasons, rather than running without rules.</summary>
    private static Playbook LoadPlaybook(JourneyOptions options) =>
        string.IsNullOrEmpty(options.PlaybookPath) ? Playbook.Default : Playbook.Parse(File.ReadAllText(options.PlaybookPath));
}
