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

    /// <summary>
    /// Consumers of the journey's topics in this process, each with its own share of the partitions, pipeline and
    /// database session. A batch's write is one transaction, so one PostgreSQL backend, and it bounds a lane's rate:
    /// while one lane's write runs alone (about a fifth of the time, waiting on its own round trips), the other's
    /// deciding or writing keeps the second core busy. As many as the partitions at most; more lanes get none.
    /// </summary>
    public int Lanes { get; set; } = 2;
}
