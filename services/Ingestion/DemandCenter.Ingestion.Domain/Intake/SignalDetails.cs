using DemandCenter.Contracts;

namespace DemandCenter.Ingestion.Domain;

/// <summary>Copies what the journey model reads from a type's payload into the forwarded signal.</summary>
public static class SignalDetails
{
    public static SignalDetail? Of(SignalData data) => data switch
    {
        FormSubmittedData f => new SignalDetail { FormKind = f.FormKind },
        ChatMessagePostedData c => new SignalDetail { Intents = c.Intents, ChatAuthor = c.Author },
        ChatConversationEndedData c => new SignalDetail { Intents = c.Intents, ChatOutcome = c.Outcome },
        EmailData e => e.ReplyKind is null ? null : new SignalDetail { ReplyKind = e.ReplyKind },
        MeetingHeldData m => new SignalDetail
        {
            MeetingMode = m.Mode,
            MeetingSellerId = m.SellerId,
            Attendees = m.Attendees?.Select(a => a.Trim().ToLowerInvariant()).Where(a => a.Contains('@', StringComparison.Ordinal)).ToList(),
        },
        CrmAccountUpdatedData c => new SignalDetail
        {
            AccountName = c.Name,
            OwnerSellerId = c.OwnerSellerId,
            Territory = c.Territory,
            Segment = c.Segment,
            AnnualRevenue = c.AnnualRevenue,
            Tier = c.Tier,
        },
        _ => null,
    };
}
