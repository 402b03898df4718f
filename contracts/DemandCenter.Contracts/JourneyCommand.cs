namespace DemandCenter.Contracts;

/// <summary>
/// A person's action on a prompt or an account, sent by the Hub to the Journey service (topic
/// <see cref="Topics.JourneyCommands"/>, keyed by <see cref="AccountId"/>) so that it lands in the account's stream
/// through the account's single writer. The answer comes back as a <see cref="PromptUpdate"/> carrying
/// <see cref="CommandId"/>. Also used by the Journey service's own clock (kind <see cref="JourneyCommandKinds.Tick"/>).
/// </summary>
public sealed record JourneyCommandMessage(
    Guid CommandId,
    string Kind,
    string AccountId,
    string ActorId,
    DateTimeOffset At)
{
    public string? PromptId { get; init; }

    /// <summary>snooze: until when.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>dismiss: one of <see cref="DismissReasons"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>complete: one of <see cref="PromptOutcomes"/>.</summary>
    public string? Outcome { get; init; }

    /// <summary>reassign_prompt / reassign_account: the seller who takes over.</summary>
    public string? ToSellerId { get; init; }

    /// <summary>True when the actor is an orchestrator (may act on any seller's prompt).</summary>
    public bool ByOrchestrator { get; init; }
}

public static class JourneyCommandKinds
{
    public const string Accept = "accept";
    public const string Snooze = "snooze";
    public const string Dismiss = "dismiss";
    public const string Complete = "complete";
    public const string ReassignPrompt = "reassign_prompt";
    public const string ReassignAccount = "reassign_account";

    /// <summary>The Journey service's clock: SLA escalation, snooze expiry, stalled journeys, the in-person rule.</summary>
    public const string Tick = "tick";
}
