namespace DemandCenter.Contracts;

/// <summary>Gartner's six B2B buying jobs, in their usual (not required) order.</summary>
public static class BuyingJobs
{
    public const string ProblemIdentification = "problem_identification";
    public const string SolutionExploration = "solution_exploration";
    public const string RequirementsBuilding = "requirements_building";
    public const string SupplierSelection = "supplier_selection";
    public const string Validation = "validation";
    public const string ConsensusCreation = "consensus_creation";

    public static readonly IReadOnlyList<string> All =
        [ProblemIdentification, SolutionExploration, RequirementsBuilding, SupplierSelection, Validation, ConsensusCreation];

    /// <summary>Position in the usual order (0-5), or -1.</summary>
    public static int IndexOf(string? job) => All.IndexOfOrdinal(job);
}

/// <summary>An account's scores, each 0-100.</summary>
public sealed record JourneyScores(int Engagement, int Breadth, int Surge, int Urgency);

/// <summary>
/// One account on the live journey board (topic <see cref="Topics.Board"/>, hub methods boardSnapshot / accountsChanged).
/// Published by the Journey service's outbox whenever the account's position, scores or open prompts change.
/// </summary>
public sealed record BoardCard(
    string AccountId,
    string Name,
    string? OwnerSellerId,
    string? Territory,
    string? Segment,
    string? Tier,
    string? FocusJob,
    string? PreviousFocusJob,
    DateTimeOffset? FocusChangedAt,
    string? FurthestJob,
    JourneyScores Scores,
    int OpenPrompts,
    int SignalCount,
    DateTimeOffset? LastSignalAt,
    long Version);

/// <summary>A score with what drove it, so that a seller can see why.</summary>
public sealed record ExplainedScore(int Value, IReadOnlyList<string> Drivers);

public sealed record ScoreBreakdown(ExplainedScore Engagement, ExplainedScore Breadth, ExplainedScore Surge, ExplainedScore Urgency);

/// <summary>Engagement in one buying job: the decayed level (0-100), the evidence count and when the last evidence came.</summary>
public sealed record JobEngagementView(string Job, int Level, int Evidence, DateTimeOffset? LastEvidenceAt);

public sealed record BuyingGroupMemberView(string ContactId, DateTimeOffset FirstSeen, DateTimeOffset LastActive, IReadOnlyList<string> Channels, int Signals);

/// <summary>Forward echo: the likely next focus job, how soon it typically comes, and what buyers usually need there.</summary>
public sealed record ForwardEchoView(string NextJob, double Probability, double TypicalDays, IReadOnlyList<string> Needs, string Basis, int TransitionsObserved);

/// <summary>Hours of the week (in <see cref="TimeZone"/>) in which a contact or account engages, and the next such window.</summary>
public sealed record BestTimeView(string Basis, string TimeZone, IReadOnlyList<string> Hours, TimeWindow Next);

/// <summary>GET /api/v1/accounts/{accountId}: the account's journey position.</summary>
public sealed record AccountPosition(
    string AccountId,
    string Name,
    string? OwnerSellerId,
    string? Territory,
    string? Segment,
    string? Tier,
    decimal? AnnualRevenue,
    bool Transactional,
    long Version,
    int SignalCount,
    DateTimeOffset? LastSignalAt,
    string? FocusJob,
    DateTimeOffset? FocusSince,
    string? FurthestJob,
    IReadOnlyList<JobEngagementView> Jobs,
    ScoreBreakdown Scores,
    IReadOnlyList<BuyingGroupMemberView> BuyingGroup,
    ForwardEchoView? Forecast,
    BestTimeView? BestTime,
    IReadOnlyList<PromptMessage> OpenPrompts,
    IReadOnlyList<PromptMessage> PastPrompts);
