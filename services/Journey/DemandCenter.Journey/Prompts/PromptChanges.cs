using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;

namespace DemandCenter.Journey.Prompts;

/// <summary>What a prompt event changes in the read model (status, seller, fields), or the refusal to report back.</summary>
public sealed record PromptChange(Guid PromptId, string? Status, string? SellerId, IReadOnlyDictionary<string, object?> Fields, PromptActionRefused? Refusal = null)
{
    public Guid? RefusedPromptId => Refusal?.PromptId is { } id && Guid.TryParse(id, out var g) ? g : null;
}

public static class PromptChanges
{
    public static PromptChange? Of(JourneyEvent e, AccountJourney before) => e switch
    {
        PromptAccepted a => new(a.PromptId, PromptStatus.Accepted,
            before.Prompts.TryGetValue(a.PromptId, out var p) && PromptPools.IsPool(p.SellerId) ? a.By : null,
            Fields(("snoozedUntil", null), ("updatedAt", a.At))),
        PromptSnoozed s => new(s.PromptId, PromptStatus.Snoozed, null, Fields(("snoozedUntil", s.Until), ("updatedAt", s.At))),
        PromptSnoozeEnded s => new(s.PromptId, PromptStatus.Open, null, s.SlaBy is { } sla
            ? Fields(("snoozedUntil", null), ("slaBy", sla), ("updatedAt", s.At))
            : Fields(("snoozedUntil", null), ("updatedAt", s.At))),
        PromptDismissed d => new(d.PromptId, PromptStatus.Dismissed, null, Fields(("dismissReason", d.Reason), ("updatedAt", d.At))),
        PromptCompleted c => new(c.PromptId, PromptStatus.Completed, null, Fields(("outcome", c.Outcome), ("updatedAt", c.At))),
        PromptReassigned r => new(r.PromptId, null, r.To, Fields(
            ("slaBy", r.SlaBy),
            ("escalations", (before.Prompts.GetValueOrDefault(r.PromptId)?.Escalations ?? 0) + (r.Why == ReassignReasons.Sla ? 1 : 0)),
            ("overflow", false),
            ("updatedAt", r.At))),
        PromptActionRefused refused => new(Guid.Empty, null, null, Fields(), refused),
        _ => null,
    };

    private static Dictionary<string, object?> Fields(params (string Key, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
}

/// <summary>The two kinds of message on the prompts topic, told apart by the dc-type header.</summary>
public static class PromptMessages
{
    public static OutboxMessage Raised(PromptMessage prompt) =>
        new(Topics.Prompts, prompt.AccountId, ContractJson.Serialize(prompt), new Dictionary<string, string> { [MessageHeaders.MessageType] = MessageHeaders.PromptRaisedType });

    public static OutboxMessage Updated(PromptUpdate update) =>
        new(Topics.Prompts, update.AccountId, ContractJson.Serialize(update), new Dictionary<string, string> { [MessageHeaders.MessageType] = MessageHeaders.PromptUpdatedType });
}
