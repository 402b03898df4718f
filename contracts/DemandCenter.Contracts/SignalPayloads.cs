using System.Text.Json;

namespace DemandCenter.Contracts;

/// <summary>The identity fields every signal's data may carry; at least one is required.</summary>
public abstract record SignalData
{
    public string? AnonymousId { get; init; }
    public string? Email { get; init; }
    public string? AccountDomain { get; init; }
}

public sealed record PageViewedData : SignalData
{
    public string? Url { get; init; }
    public string? Category { get; init; }
    public string? Title { get; init; }
    public double? DurationSeconds { get; init; }
    public string? Referrer { get; init; }
    public JsonElement? Utm { get; init; }
}

public sealed record FormSubmittedData : SignalData
{
    public string? FormKind { get; init; }
    public string? FormId { get; init; }
}

public sealed record ContentDownloadedData : SignalData
{
    public string? AssetId { get; init; }
    public string? Title { get; init; }
    public string? Category { get; init; }
}

public sealed record ChatMessagePostedData : SignalData
{
    public string? ConversationId { get; init; }
    public string? Author { get; init; }
    public IReadOnlyList<string>? Intents { get; init; }
    public string? Text { get; init; }
}

public sealed record ChatConversationEndedData : SignalData
{
    public string? ConversationId { get; init; }
    public string? Outcome { get; init; }
    public IReadOnlyList<string>? Intents { get; init; }
}

public sealed record EmailData : SignalData
{
    public string? MessageId { get; init; }
    public string? CampaignId { get; init; }
    public string? Url { get; init; }
    public string? ReplyKind { get; init; }
}

public sealed record MeetingHeldData : SignalData
{
    public string? MeetingId { get; init; }
    public string? Mode { get; init; }
    public string? SellerId { get; init; }
    public IReadOnlyList<string>? Attendees { get; init; }
    public double? DurationMinutes { get; init; }
}

public sealed record CrmAccountUpdatedData : SignalData
{
    public string? Name { get; init; }
    public string? OwnerSellerId { get; init; }
    public string? Territory { get; init; }
    public string? Segment { get; init; }
    public decimal? AnnualRevenue { get; init; }
    public string? Tier { get; init; }
}
