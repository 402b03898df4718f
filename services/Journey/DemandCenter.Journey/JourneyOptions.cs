namespace DemandCenter.Journey;

/// <summary>Bound from "Demand:Journey".</summary>
public sealed class JourneyOptions
{
    public const string Section = "Demand:Journey";

    public string ConsumerGroup { get; set; } = "demand-journey";

    /// <summary>How long after a prompt for an account and action no second one is raised.</summary>
    public TimeSpan PromptCooldown { get; set; } = TimeSpan.FromMinutes(30);
}
