using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Journey.Accounts;

/// <summary>What an account's read-model row holds besides its state: its board card and the clock's next check.</summary>
public sealed class AccountRows(AccountDirectory directory, Playbook playbook, TimeProvider time)
{
    public BoardCard Card(AccountJourney state, DateTimeOffset now) =>
        BoardCards.Of(state, directory.Profile(state.AccountId).With(state.Overrides), Scoring.Of(state, now, playbook));

    /// <param name="tickedAt">The time of the last clock tick decided for the account, if any (see <see cref="JourneyDecider.NextCheck"/>).</param>
    public AccountRow Row(AccountJourney state, bool withState, DateTimeOffset now, DateTimeOffset? tickedAt = null)
    {
        var known = directory.Profile(state.AccountId);
        var profile = known.With(state.Overrides);
        // The clock's agenda depends on the state and the playbook alone; the team and the forecast do not enter it.
        var context = new JourneyContext(known, playbook, Domain.Model.Team.Empty, TransitionModel.Empty, null, time);
        var card = BoardCards.Of(state, profile, Scoring.Of(state, now, playbook));
        return new AccountRow(state, withState, card, ContractJson.Serialize(card), JourneyDecider.NextCheck(state, context, tickedAt), profile.AnnualRevenue);
    }
}
