using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using Microsoft.Extensions.Options;

namespace DemandCenter.Journey.Accounts;

/// <summary>
/// What the organisation's directory (the roster's account list, standing in for a CRM import) says about an account.
/// CRM updates that arrive as signals are recorded in the account's own stream and win over this.
/// </summary>
public sealed class AccountDirectory(IOptionsMonitor<RosterOptions> roster)
{
    public AccountProfile Profile(string accountId) =>
        roster.CurrentValue.Account(accountId) is { } a
            ? new AccountProfile(accountId, a.Name, a.OwnerSellerId, a.Territory, a.Segment, a.Tier, a.AnnualRevenue)
            : new AccountProfile(accountId, accountId, null);
}
