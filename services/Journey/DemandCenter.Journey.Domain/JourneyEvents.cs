using DemandCenter.Contracts;

namespace DemandCenter.Journey.Domain;

/// <summary>Facts in an account's stream. Closed hierarchy: every event carries the account and when it was recorded.</summary>
public abstract record JourneyEvent(string AccountId, DateTimeOffset At)
{
    /// <summary>Stable id used for idempotent appends: a replay of the same input yields the same ids.</summary>
    public abstract Guid EventId { get; }
}

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
    public override Guid EventId => SignalId;
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
    public override Guid EventId => PromptId;
}
