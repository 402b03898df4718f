namespace DemandCenter.Contracts;

/// <summary>What a seller receives (hub method promptReceived) and the REST API lists.</summary>
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
    string Status);

public sealed record TimeWindow(DateTimeOffset From, DateTimeOffset To);

public sealed record EvidenceItem(string SignalId, string Type, string Channel, DateTimeOffset At, string Summary);

public static class PromptStatus
{
    public const string Open = "open";
}
