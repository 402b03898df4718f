using DemandCenter.Hub.Api;
using DemandCenter.Hub.Auth;
using DemandCenter.Hub.Board;
using DemandCenter.Hub.Commands;
using DemandCenter.Hub.Security;
using DemandCenter.Hub.Sellers;
using DemandCenter.Journey;
using DemandCenter.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        services.TryAddSingleton(TimeProvider.System);
        services.AddDemandAuth(configuration);
        services.AddTokenSafeLogging();
        services.AddSingleton<ActionRateLimitFilter>();
        services.AddSignalR(o =>
        {
            // Clients send only small commands; keep the default 32 KiB cap explicit.
            o.MaximumReceiveMessageSize = 32 * 1024;
            o.AddFilter<ActionRateLimitFilter>();
        }).AddJsonProtocol(o => o.PayloadSerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);
        services.AddSingleton<JourneyCommands>();
        services.AddSingleton<GroupSends>();
        services.AddSellerHub();
        services.AddBoardHub();
        return services;
    }

    private static IServiceCollection AddSellerHub(this IServiceCollection services)
    {
        services.AddSingleton<SellerFeeds>();
        services.AddSingleton<PromptFanout>();
        services.AddHostedService(sp => sp.GetRequiredService<PromptFanout>());
        return services;
    }

    private static IServiceCollection AddBoardHub(this IServiceCollection services)
    {
        services.AddSingleton<PromptLedger>();
        services.AddSingleton<BoardState>();
        services.AddSingleton<BoardAudience>();
        services.AddSingleton<SellerLoadCalculator>();
        services.AddSingleton<BoardFanout>();
        services.AddHostedService(sp => sp.GetRequiredService<BoardFanout>());
        services.AddHostedService<BoardBootstrap>();
        services.AddHostedService<BoardBroadcaster>();
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

        app.UseHubOriginCheck();
        app.MapHub<SellerHub>("/hubs/sellers");
        app.MapHub<BoardHub>("/hubs/board");
        app.MapQueries();
        app.MapBoardQueries();
        if (options.DevSignIn)
        {
            app.MapDevTokens();
        }

        return app;
    }
}
