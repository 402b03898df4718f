using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DemandCenter.Kafka;

public static class KafkaServiceCollectionExtensions
{
    /// <summary>Options, client settings and the one shared producer. Safe to call from every service composed in one host.</summary>
    public static IServiceCollection AddKafka(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KafkaOptions>().Bind(configuration.GetSection(KafkaOptions.Section));
        services.TryAddSingleton<KafkaClients>();
        services.TryAddSingleton<SharedProducer>();
        return services;
    }
}
