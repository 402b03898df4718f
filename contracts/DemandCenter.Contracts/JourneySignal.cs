namespace DemandCenter.Contracts;

/// <summary>
/// A validated, identity-resolved signal as the Ingestion service forwards it to the Journey service
/// (topic <see cref="Topics.JourneySignals"/>, keyed by <see cref="AccountId"/>).
/// <see cref="SignalId"/> is derived from the CloudEvent's (source, id), so a replayed duplicate carries the same id.
/// </summary>
public sealed record JourneySignal(
    Guid SignalId,
    string Source,
    string EventId,
    string Type,
    string Channel,
    DateTimeOffset OccurredAt,
    string AccountId,
    string? ContactId,
    string? AnonymousId,
    string? Url,
    string? Category,
    string? Title)
{
    /// <summary>True when the signal happened before its visitor was known and reaches the journey only now.</summary>
    public bool LateAttributed { get; init; }
}
