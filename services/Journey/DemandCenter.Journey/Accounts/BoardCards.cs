using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;

namespace DemandCenter.Journey.Accounts;

public static class BoardCards
{
    public static BoardCard Of(AccountJourney state, AccountProfile profile, JourneyScores scores) => new(
        state.AccountId,
        profile.Name,
        profile.OwnerSellerId,
        profile.Territory,
        profile.Segment,
        profile.Tier,
        state.FocusJob,
        state.PreviousFocusJob,
        state.FocusSince,
        state.FurthestJob,
        scores,
        state.Prompts.Count,
        state.SignalCount,
        state.LastSignalAt,
        state.Version);
}
