using DemandCenter.Host.Simulator;
using DemandCenter.Hub;
using DemandCenter.Hub.Auth;
using DemandCenter.Ingestion.Collector;
using DemandCenter.Ingestion;
using DemandCenter.Journey;
using DemandCenter.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DemandCenter.Host.Composition;

/// <summary>Composes the chosen services into one ASP.NET Core host: all three in embedded mode, any subset when scaled out.</summary>
public static class DemandApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(HostCommandLine options, IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = options.Args, ContentRootPath = AppContext.BaseDirectory });
        if (options.Embedded)
        {
            // The demo roster is always there in embedded mode; scaled out, the roster comes from configuration.
            builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "demo-roster.json"), optional: false);
        }

        builder.Configuration.AddInMemoryCollection(settings);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var services = builder.Services;
        services.AddDemandTelemetry(builder.Configuration, "demand-center");
        services.AddProblemDetails();
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"])
            .AddCheck<ConsumersHealthCheck>("consumers", tags: ["ready"]);
        if (options.Services.Contains("ingestion"))
        {
            services.AddIngestion(builder.Configuration);
        }

        if (options.Services.Contains("journey"))
        {
            services.AddJourney(builder.Configuration);
        }

        if (options.Services.Contains("hub"))
        {
            services.AddHub(builder.Configuration);
            services.AddApiKeys(builder.Configuration); // key administration lives with the people's sign-in
        }
        else
        {
            services.AddJourneyReadModels(builder.Configuration);
        }

        if (options.Simulator)
        {
            services.AddSimulator(builder.Configuration);
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (options.Services.Contains("ingestion"))
        {
            app.UseRateLimiter();
        }

        if (options.Services.Contains("hub"))
        {
            // Before authentication, so it can tell a hub's WebSocket request (the only one allowed a query-string token).
            app.UseWebSockets();
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapHub();
        }

        if (options.Services.Contains("ingestion"))
        {
            app.MapIngestion();
        }

        if (options.Services.Contains("hub"))
        {
            // Key administration needs the people's sign-in, which the Hub service provides.
            app.MapApiKeyAdmin(AuthServiceCollectionExtensions.OrchestratorPolicy);
        }

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }

    /// <summary>The address Kestrel actually bound (port 0 becomes a real port), as http://127.0.0.1:PORT.</summary>
    public static string BaseUrl(WebApplication app) => BaseUrl(app.Services.GetRequiredService<IServer>());

    /// <inheritdoc cref="BaseUrl(WebApplication)"/>
    public static string BaseUrl(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault() ?? DefaultUrl;
        return address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }
}
