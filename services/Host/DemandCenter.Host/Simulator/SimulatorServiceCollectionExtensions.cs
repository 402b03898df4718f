namespace DemandCenter.Host.Simulator;

public static class SimulatorServiceCollectionExtensions
{
    /// <summary>The embedded simulators: the marketing systems' traffic and the sellers who work their prompts.</summary>
    public static IServiceCollection AddSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHostedService<TrafficSimulator>();
        return services.AddSellerSimulator(configuration);
    }

    /// <summary>The simulated sellers alone.</summary>
    public static IServiceCollection AddSellerSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SimulatorOptions>().Bind(configuration.GetSection(SimulatorOptions.Section));
        return services.AddHostedService<SellerSimulator>();
    }
}
