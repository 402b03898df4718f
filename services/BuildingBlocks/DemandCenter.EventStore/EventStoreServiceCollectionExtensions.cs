using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DemandCenter.EventStore;

public static class EventStoreServiceCollectionExtensions
{
    /// <summary>The store and its parts. Safe to call from every service composed in one host; <paramref name="registerTypes"/> adds event types.</summary>
    public static IServiceCollection AddEventStore(this IServiceCollection services, IConfiguration configuration, Action<EventTypes>? registerTypes = null)
    {
        if (registerTypes is not null)
        {
            services.AddSingleton(new EventTypeRegistration(registerTypes));
        }

        if (services.Any(d => d.ServiceType == typeof(EventStore)))
        {
            return services;
        }

        services.AddOptions<EventStoreOptions>().Bind(configuration.GetSection(EventStoreOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => NpgsqlDataSource.Create(ConnectionString(sp.GetRequiredService<IOptions<EventStoreOptions>>().Value)));
        services.AddSingleton(sp => new EventStoreSchema(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<EventStoreOptions>>().Value, sp.GetServices<SchemaExtension>()));
        services.AddSingleton(sp =>
        {
            var types = new EventTypes();
            foreach (var registration in sp.GetServices<EventTypeRegistration>())
            {
                registration.Register(types);
            }

            return types;
        });
        services.AddSingleton<PersonalDataProtector>();
        services.AddSingleton<EventSerializer>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<EventStore>();
        services.AddSingleton<EventFeed>();
        services.AddSingleton<ConsumerOffsets>();
        services.AddSingleton<PersonalDataEraser>();
        // Registered before any consumer, and hosted services start in order: tables exist before the first message.
        services.AddSingleton<IHostedService, SchemaMigrator>();
        return services;
    }

    /// <summary>
    /// The configured connection string, with automatic statement preparation on unless it says otherwise: the store
    /// sends the same few statements all day, and preparing them saves the server a parse and plan every time.
    /// </summary>
    private static string ConnectionString(EventStoreOptions options)
    {
        if (string.IsNullOrEmpty(options.ConnectionString))
        {
            throw new InvalidOperationException($"Set {EventStoreOptions.Section}:ConnectionString.");
        }

        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (!options.ConnectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    public static IServiceCollection AddOutboxRelay(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboxRelay>());
        return services;
    }

    /// <summary>Adds an async projection and, once, the daemon that runs them.</summary>
    public static IServiceCollection AddAsyncProjection<T>(this IServiceCollection services)
        where T : class, IAsyncProjection
    {
        services.AddSingleton<IAsyncProjection, T>();
        if (!services.Any(d => d.ServiceType == typeof(ProjectionDaemon)))
        {
            services.AddSingleton<ProjectionDaemon>();
            services.AddHostedService(sp => sp.GetRequiredService<ProjectionDaemon>());
        }

        return services;
    }

    private sealed record EventTypeRegistration(Action<EventTypes> Register);

    private sealed class SchemaMigrator(EventStoreSchema schema) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => schema.EnsureAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
