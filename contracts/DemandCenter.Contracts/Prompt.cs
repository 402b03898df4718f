namespace DemandCenter.Contracts;

/// <summary>
/// What a seller receives (hub method promptReceived) and the REST API lists. <see cref="Sequence"/> is the prompt's
/// place in its seller's feed and moves forward whenever the prompt changes, so catchUp(afterSequence) returns both
/// new prompts and changes to older ones. A prompt routed to a specialist pool with no free specialist has
/// <see cref="SellerId"/> set to the pool's feed id (<see cref="PromptPools.FeedOf"/>) until someone takes it.
/// </summary>
public sealed record PromptMessage(
    string PromptId,
    long Sequence,
    string SellerId,
    string AccountId,
    string AccountName,
    string? ContactId,
    string Action,
    string Role,
    int Priority,
    DateTimeOffset DueBy,
    TimeWindow BestTime,
    string Reason,
    IReadOnlyList<EvidenceItem> Evidence,
    string? FocusJob,
    DateTimeOffset CreatedAt,
    string Status)
{
    /// <summary>The account's scores when the prompt was raised.</summary>
    public JourneyScores? Scores { get; init; }

    /// <summary>When an unaccepted prompt is escalated or re-routed.</summary>
    public DateTimeOffset? SlaBy { get; init; }

    public DateTimeOffset? SnoozedUntil { get; init; }

    /// <summary>dismissed: one of <see cref="DismissReasons"/>.</summary>
    public string? DismissReason { get; init; }

    /// <summary>completed: one of <see cref="PromptOutcomes"/>.</summary>
    public string? Outcome { get; init; }

    /// <summary>How many times it was re-routed because nobody accepted it in time.</summary>
    public int Escalations { get; init; }

    /// <summary>True when the seller had more open prompts than their capacity and the prompt went to the pool or waits.</summary>
    public bool Overflow { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }
}

public sealed record TimeWindow(DateTimeOffset From, DateTimeOffset To);

public sealed record EvidenceItem(string SignalId, string Type, string Channel, DateTimeOffset At, string Summary);

/// <summary>
/// A change to a prompt (hub method promptUpdated), pushed to its seller (and, when it moved, to the seller it left)
/// and to the board. <see cref="Prompt"/> is the prompt as it now is; <see cref="CommandId"/> answers the seller action
/// that caused it, and <see cref="Rejected"/> says why an action was refused.
/// </summary>
public sealed record PromptUpdate(
    string PromptId,
    string AccountId,
    string Status,
    DateTimeOffset At,
    PromptMessage Prompt)
{
    /// <summary>The seller the prompt was taken from by a reassignment or an escalation.</summary>
    public string? PreviousSellerId { get; init; }

    public Guid? CommandId { get; init; }

    public string? Rejected { get; init; }
}

public static class PromptStatus
{
    public const string Open = "open";
    public const string Accepted = "accepted";
    public const string Snoozed = "snoozed";
    public const string Dismissed = "dismissed";
    public const string Completed = "completed";

    /// <summary>Taken from this seller (reassigned or escalated); the seller's clients remove it.</summary>
    public const string Reassigned = "reassigned";

    /// <summary>Statuses that still ask something of a seller.</summary>
    public static readonly IReadOnlyList<string> Active = [Open, Accepted, Snoozed];
}

public static class PromptActions
{
    public const string Call = "call";
    public const string Email = "email";
    public const string Demo = "demo";
    public const string PricingConsult = "pricing_consult";
    public const string InPersonMeeting = "in_person_meeting";
    public const string SecurityReview = "security_review";
    public const string Nurture = "nurture";

    public static readonly IReadOnlyList<string> All = [Call, Email, Demo, PricingConsult, InPersonMeeting, SecurityReview, Nurture];
}

/// <summary>Who a prompt is for: the account's owner or a specialist pool.</summary>
public static class PromptRoles
{
    public const string Owner = "owner";
    public const string Qualification = "qualification";
    public const string Solutions = "solutions";
    public const string Pricing = "pricing";

    public static readonly IReadOnlyList<string> All = [Owner, Qualification, Solutions, Pricing];
}

public static class PromptPools
{
    /// <summary>The feed id of a specialist pool's unassigned prompts, e.g. "pool:pricing".</summary>
    public static string FeedOf(string role) => "pool:" + role;

    public static bool IsPool(string sellerId) => sellerId.StartsWith("pool:", StringComparison.Ordinal);
}

public static class DismissReasons
{
    public static readonly IReadOnlyList<string> All = ["not_relevant", "already_in_contact", "wrong_contact", "duplicate", "bad_timing", "other"];
}

public static class PromptOutcomes
{
    public const string Connected = "connected";
    public const string MeetingBooked = "meeting_booked";
    public const string NoAnswer = "no_answer";
    public const string NotInterested = "not_interested";

    public static readonly IReadOnlyList<string> All = [Connected, MeetingBooked, NoAnswer, NotInterested];
}
