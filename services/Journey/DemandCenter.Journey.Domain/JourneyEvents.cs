using DemandCenter.Contracts;

namespace DemandCenter.Journey.Domain;

/// <summary>Evidence of nothing: one shared instance, where a new empty dictionary for every event was garbage at once.</summary>
public static class NoEvidence
{
    public static IReadOnlyDictionary<string, double> Instance { get; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, double>.Empty;
}

/// <summary>Facts in an account's stream. Closed hierarchy: every event carries the account and when it was recorded.</summary>
public abstract record JourneyEvent(string AccountId, DateTimeOffset At)
{
    /// <summary>Stable id used for idempotent appends: a replay of the same input yields the same ids.</summary>
    public abstract Guid EventId { get; }
}

/// <summary>A signal the Ingestion service resolved to this account, with its evidence keys (e.g. page:pricing).</summary>
public sealed record SignalRecorded(
    string AccountId,
    DateTimeOffset At,
    Guid SignalId,
    string Type,
    string Channel,
    DateTimeOffset OccurredAt,
    [property: PersonalData] string? ContactId,
    string? Url,
    string? Category,
    bool LateAttributed = false) : JourneyEvent(AccountId, At)
{
    /// <summary>Evidence keys (see <see cref="SignalKeys"/>).</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];

    /// <summary>Job -> weight this signal was evidence of, per the playbook version that recorded it.</summary>
    public IReadOnlyDictionary<string, double> Evidence { get; init; } = NoEvidence.Instance;
    public IReadOnlyList<string>? Intents { get; init; }
    public string? FormKind { get; init; }
    public string? ReplyKind { get; init; }
    public string? MeetingMode { get; init; }

    public override Guid EventId => SignalId;
}

/// <summary>
/// A person a signal names besides its own (a meeting's attendee) engaged for the first time: the buying group grew. (The
/// signal's own person, when new, is recorded on the signal, by the key group:new_member; streams written until the
/// evening of 2026-11-22 hold this event for them too.)
/// </summary>
public sealed record BuyingGroupMemberJoined(
    string AccountId,
    DateTimeOffset At,
    Guid CausedBy,
    [property: PersonalData] string ContactId,
    string Channel) : JourneyEvent(AccountId, At)
{
    /// <summary>Job -> weight a new member was evidence of (consensus creation, by default).</summary>
    public IReadOnlyDictionary<string, double> Evidence { get; init; } = NoEvidence.Instance;

    public override Guid EventId => EventIds.Derive(CausedBy, "joined:" + ContactId);
}

/// <summary>The account's focus moved (forward or back: both are normal). Evidence: momentum per job and the signal that tipped it.</summary>
public sealed record FocusJobChanged(
    string AccountId,
    DateTimeOffset At,
    Guid CausedBy,
    string? From,
    string To,
    IReadOnlyDictionary<string, double> Momentum,
    string Evidence) : JourneyEvent(AccountId, At)
{
    /// <summary>How long the account's focus had been on <see cref="From"/>: what the forward echo's "typical time" learns from.</summary>
    public double? DaysInFrom { get; init; }

    /// <summary>When the buyer made the move (the tipping signal's time), which may be well before it was recorded.</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    public override Guid EventId => EventIds.Derive(CausedBy, "focus");
}

/// <summary>The CRM said something about the account (name, owner, territory, segment, revenue, tier).</summary>
public sealed record AccountProfileUpdated(
    string AccountId,
    DateTimeOffset At,
    Guid CausedBy,
    string? Name,
    string? OwnerSellerId,
    string? Territory,
    string? Segment,
    decimal? AnnualRevenue,
    string? Tier) : JourneyEvent(AccountId, At)
{
    public override Guid EventId => EventIds.Derive(CausedBy, "profile");
}

/// <summary>An orchestrator gave the account to another seller.</summary>
public sealed record AccountOwnerChanged(string AccountId, DateTimeOffset At, Guid CommandId, string? From, string To, string By) : JourneyEvent(AccountId, At)
{
    public override Guid EventId => EventIds.Derive(CommandId, "owner");
}

public sealed record PromptRaised(
    string AccountId,
    DateTimeOffset At,
    Guid PromptId,
    string SellerId,
    string Action,
    string Role,
    int Priority,
    DateTimeOffset DueBy,
    DateTimeOffset BestFrom,
    DateTimeOffset BestTo,
    [property: PersonalData(nameof(PromptRaised.ContactId))] string Reason,
    [property: PersonalData] string? ContactId,
    string? FocusJob,
    IReadOnlyList<Guid> EvidenceSignalIds) : JourneyEvent(AccountId, At)
{
    public string RuleId { get; init; } = "";
    public string PlaybookVersion { get; init; } = "";
    public DateTimeOffset SlaBy { get; init; }
    public JourneyScores? Scores { get; init; }

    /// <summary>The owner or specialist was at capacity, so the prompt went to the pool (or waits there).</summary>
    public bool Overflow { get; init; }

    public override Guid EventId => PromptId;
}

/// <summary>A transactional journey got automated digital outreach instead of a seller prompt.</summary>
public sealed record NurtureSent(
    string AccountId,
    DateTimeOffset At,
    Guid NurtureId,
    string RuleId,
    string InsteadOf,
    [property: PersonalData(nameof(NurtureSent.ContactId))] string Reason,
    [property: PersonalData] string? ContactId) : JourneyEvent(AccountId, At)
{
    public override Guid EventId => NurtureId;
}

public sealed record PromptAccepted(string AccountId, DateTimeOffset At, Guid CommandId, Guid PromptId, string By, DateTimeOffset WorkingUntil) : JourneyEvent(AccountId, At)
{
    public override Guid EventId => EventIds.Derive(CommandId, "accepted");
}

public sealed record PromptSnoozed(string AccountId, DateTimeOffset At, Guid CommandId, Guid PromptId, string By, DateTimeOffset Until) : JourneyEvent(AccountId, At)
{
    public override Guid EventId => EventIds.Derive(CommandId, "snoozed");
}

/// <summary>A snooze ran out: the prompt is open again and back in front of its seller, with a fresh acceptance window.</summary>
public sealed record PromptSnoozeEnded(string AccountId, DateTimeOffset At, Guid CommandId, Guid PromptId) : JourneyEvent(AccountId, At)
{
    /// <summary>
    /// The new SLA: the seller chose to come back to it later, so the window restarts when the snooze ends instead of
    /// the prompt being escalated at once. Null in events recorded before this existed (the old window stands).
    /// </summary>
    public DateTimeOffset? SlaBy { get; init; }

    public override Guid EventId => EventIds.Derive(CommandId, "snooze-ended:" + PromptId);
}

public sealed record PromptDismissed(string AccountId, DateTimeOffset At, Guid CommandId, Guid PromptId, string By, string Reason) : JourneyEvent(AccountId, At)
{
    public override Guid EventId => EventIds.Derive(CommandId, "dismissed");
}

public sealed record PromptCompleted(string AccountId, DateTimeOffset At, Guid CommandId, Guid PromptId, string By, string Outcome, string Action, string? FocusJob) : JourneyEvent(AccountId, At)
{
    /// <summary>Set when the outcome means the seller is now working the account (connected, meeting booked).</summary>
    public DateTimeOffset? WorkingUntil { get; init; }

    [PersonalData]
    public string? ContactId { get; init; }

    public override Guid EventId => EventIds.Derive(CommandId, "completed");
}

/// <summary>
/// The prompt moved to another seller or pool feed: an orchestrator reassigned it (<see cref="Why"/> = reassigned),
/// nobody accepted it within its SLA (sla), or its seller's account was reassigned (owner_changed).
/// </summary>
public sealed record PromptReassigned(string AccountId, DateTimeOffset At, Guid CommandId, Guid PromptId, string From, string To, string Why, DateTimeOffset SlaBy) : JourneyEvent(AccountId, At)
{
    public override Guid EventId => EventIds.Derive(CommandId, "reassigned:" + PromptId);
}

/// <summary>An action on a prompt was refused (not the caller's prompt, already closed, unknown prompt). Kept for audit.</summary>
public sealed record PromptActionRefused(string AccountId, DateTimeOffset At, Guid CommandId, string? PromptId, string By, string Kind, string Why) : JourneyEvent(AccountId, At)
{
    public override Guid EventId => EventIds.Derive(CommandId, "refused");
}

/// <summary>Deterministic event ids derived from the input that caused them, so a replayed input appends nothing new.</summary>
public static class EventIds
{
    public static Guid Derive(Guid source, string discriminator)
    {
        Span<byte> bytes = stackalloc byte[16];
        source.TryWriteBytes(bytes);
        // FNV-1a of the discriminator folded into the source id: fixed and platform-independent.
        ulong h = 14695981039346656037;
        foreach (var ch in discriminator)
        {
            h = (h ^ ch) * 1099511628211;
        }

        for (var i = 0; i < 8; i++)
        {
            bytes[i] ^= (byte)(h >> (8 * i));
        }

        bytes[15] ^= 0x5A;
        return new Guid(bytes);
    }
}
