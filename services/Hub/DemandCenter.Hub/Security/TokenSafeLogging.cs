using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DemandCenter.Hub.Security;

/// <summary>
/// Hub WebSocket URLs carry the access token in the query string, and the request log writes full URLs at
/// Information. Whatever the configuration says (a default of Debug, a provider-specific level), the categories that
/// write request URLs stay at Warning for every provider, so tokens never reach the logs.
/// </summary>
public static class TokenSafeLogging
{
    /// <summary>Categories that log request lines with their query strings.</summary>
    public static readonly IReadOnlyList<string> UrlCategories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        "Microsoft.AspNetCore.HttpLogging",
        "Microsoft.AspNetCore.W3CLogging",
    ];

    public static IServiceCollection AddTokenSafeLogging(this IServiceCollection services) =>
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            // A provider-specific rule beats a general one, so add the cap for each provider named in the rules too.
            var providers = options.Rules.Select(r => r.ProviderName).Distinct().ToList();
            if (!providers.Contains(null))
            {
                providers.Add(null);
            }

            foreach (var provider in providers)
            {
                foreach (var category in UrlCategories)
                {
                    options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Warning, null));
                }
            }
        });
}
