namespace DemandCenter.Journey;

/// <summary>Bound from "Demand:Journey".</summary>
public sealed class JourneyOptions
{
    public const string Section = "Demand:Journey";

    public string ConsumerGroup { get; set; } = "demand-journey";

    /// <summary>A playbook JSON file replacing the built-in one (see Playbooks/playbook.json in the domain project).</summary>
    public string? PlaybookPath { get; set; }

    /// <summary>How often the clock looks for accounts with something due (SLA, snooze end, stalled journeys).</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(15);

    public int MaxBatchSize { get; set; } = 2000;
}
