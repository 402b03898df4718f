using DemandCenter.Journey.Domain.Model;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Journey.Domain;

public abstract record JourneyCommand(string AccountId);

/// <summary>Record a signal the Ingestion service resolved to this account.</summary>
public sealed record RecordSignal(
    string AccountId,
    Guid SignalId,
    string Type,
    string Channel,
    DateTimeOffset OccurredAt,
    string? ContactId,
    string? Url,
    string? Category,
    bool LateAttributed = false) : JourneyCommand(AccountId)
{
    public string? FormKind { get; init; }
    public IReadOnlyList<string>? Intents { get; init; }
    public string? ReplyKind { get; init; }
    public string? MeetingMode { get; init; }
    public IReadOnlyList<string>? Attendees { get; init; }

    /// <summary>crm.account.updated: what the CRM says about the account.</summary>
    public ProfileOverrides? Profile { get; init; }
}

/// <summary>A seller's (or an orchestrator's) action on a prompt: accept, snooze, dismiss or complete.</summary>
public sealed record ActOnPrompt(string AccountId, Guid CommandId, string Kind, Guid PromptId, string ActorId, bool ByOrchestrator) : JourneyCommand(AccountId)
{
    public DateTimeOffset? Until { get; init; }
    public string? Reason { get; init; }
    public string? Outcome { get; init; }
}

public sealed record ReassignPrompt(string AccountId, Guid CommandId, Guid PromptId, string ToSellerId, string ActorId) : JourneyCommand(AccountId);

public sealed record ReassignAccount(string AccountId, Guid CommandId, string ToSellerId, string ActorId) : JourneyCommand(AccountId);

/// <summary>The journey clock: SLA escalation, snooze expiry, stalled journeys and other time-driven rules.</summary>
public sealed record Tick(string AccountId, Guid CommandId) : JourneyCommand(AccountId);

/// <summary>
/// Everything a decision reads besides the account's own state: the directory's profile, the playbook, the team and
/// its load, the learned transition model, the revenue threshold for top accounts, and the clock.
/// </summary>
public sealed record JourneyContext(
    AccountProfile Directory,
    Playbook Playbook,
    Team Team,
    TransitionModel Transitions,
    decimal? TopRevenueThreshold,
    TimeProvider Time);
