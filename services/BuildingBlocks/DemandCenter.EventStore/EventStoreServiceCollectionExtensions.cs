using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DemandCenter.EventStore;

public static class EventStoreServiceCollectionExtensions
{
    /// <summary>The data source, schema, store, offsets and outbox. Safe to call from every service composed in one host.</summary>
    public static IServiceCollection AddEventStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EventStoreOptions>().Bind(configuration.GetSection(EventStoreOptions.Section));
        services.TryAddSingleton(sp => NpgsqlDataSource.Create(
            sp.GetRequiredService<IOptions<EventStoreOptions>>().Value.ConnectionString is { Length: > 0 } cs
                ? cs
                : throw new InvalidOperationException($"Set {EventStoreOptions.Section}:ConnectionString.")));
        services.TryAddSingleton(sp => new EventStoreSchema(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<EventStoreOptions>>().Value, sp.GetServices<SchemaExtension>()));
        services.TryAddSingleton<EventStore>();
        services.TryAddSingleton<ConsumerOffsets>();
        services.TryAddSingleton<Outbox>();
        // Registered before any consumer, and hosted services start in order: tables exist before the first message.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SchemaMigrator>());
        return services;
    }

    public static IServiceCollection AddOutboxRelay(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboxRelay>());
        return services;
    }

    private sealed class SchemaMigrator(EventStoreSchema schema) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => schema.EnsureAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
