using DemandCenter.EventStore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DemandCenter.Testing;

/// <summary>The event store alone, in a schema of its own (so every test is isolated), with its hosted parts running.</summary>
public sealed class StoreHost : IAsyncDisposable
{
    private readonly IHost _host;

    private StoreHost(IHost host, string schema)
    {
        _host = host;
        Schema = schema;
    }

    public string Schema { get; }

    public IServiceProvider Services => _host.Services;

    public EventStore.EventStore Store => Services.GetRequiredService<EventStore.EventStore>();

    public ProjectionDaemon Daemon => Services.GetRequiredService<ProjectionDaemon>();

    public static async Task<StoreHost> StartAsync(
        string connectionString, Action<EventTypes> types, Action<IServiceCollection>? configure = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var schema = "t_" + Guid.NewGuid().ToString("n")[..12];
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Demand:Postgres:ConnectionString"] = connectionString,
            ["Demand:Postgres:Schema"] = schema,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddEventStore(builder.Configuration, types);
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new StoreHost(host, schema);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
