using DemandCenter.Contracts;

namespace DemandCenter.Journey.Domain.Model;

public static class BoardCards
{
    /// <summary>Score moves smaller than this are not worth a board frame.</summary>
    public const int ScoreStep = 5;

    /// <summary>Whether the board should hear about the new card: focus, furthest job, owner or open prompts changed, or a score moved a step.</summary>
    public static bool Moved(BoardCard? before, BoardCard after) =>
        before is null
        || before.FocusJob != after.FocusJob
        || before.FurthestJob != after.FurthestJob
        || before.OwnerSellerId != after.OwnerSellerId
        || before.Name != after.Name
        || before.OpenPrompts != after.OpenPrompts
        || Math.Abs(before.Scores.Urgency - after.Scores.Urgency) >= ScoreStep
        || Math.Abs(before.Scores.Engagement - after.Scores.Engagement) >= ScoreStep
        || Math.Abs(before.Scores.Breadth - after.Scores.Breadth) >= ScoreStep
        || Math.Abs(before.Scores.Surge - after.Scores.Surge) >= ScoreStep;

    /// <summary>
    /// Whether to send the new card, measured against the one the board was last sent (not the account's card a moment
    /// ago: small moves, such as a few days' decay one tick at a time, would then never add up to a frame), and the card
    /// the board holds afterwards.
    /// </summary>
    public static (bool Send, BoardCard Held) Publish(BoardCard? held, BoardCard after) =>
        Moved(held, after) ? (true, after) : (false, held!);

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
