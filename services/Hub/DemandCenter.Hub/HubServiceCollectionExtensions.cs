using DemandCenter.Hub.Api;
using DemandCenter.Hub.Auth;
using DemandCenter.Hub.Sellers;
using DemandCenter.Journey;
using DemandCenter.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace DemandCenter.Hub;

public static class HubServiceCollectionExtensions
{
    public static IServiceCollection AddHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKafka(configuration);
        services.AddJourneyReadModels(configuration);
        services.AddOptions<HubOptions>().Bind(configuration.GetSection(HubOptions.Section));
        services.AddDemandAuth(configuration);
        services.AddSignalR(o =>
        {
            // Seller clients send only small commands; keep the default 32 KiB cap explicit.
            o.MaximumReceiveMessageSize = 32 * 1024;
        }).AddJsonProtocol(o => o.PayloadSerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);
        services.AddSingleton<PromptFanout>();
        services.AddHostedService(sp => sp.GetRequiredService<PromptFanout>());
        return services;
    }

    public static WebApplication MapHub(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<HubOptions>>().Value;
        var webRoot = options.WebRoot ?? Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(webRoot))
        {
            var files = new PhysicalFileProvider(Path.GetFullPath(webRoot));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        app.MapHub<SellerHub>("/hubs/sellers");
        app.MapQueries();
        if (options.DevSignIn)
        {
            app.MapDevTokens();
        }

        return app;
    }
}
