using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using Microsoft.Extensions.Options;

namespace DemandCenter.Journey.Accounts;

/// <summary>Who owns an account and what it is called. From the roster for now; CRM updates extend it.</summary>
public sealed class AccountDirectory(IOptionsMonitor<RosterOptions> roster)
{
    public AccountProfile Profile(string accountId) =>
        roster.CurrentValue.Account(accountId) is { } a
            ? new AccountProfile(accountId, a.Name, a.OwnerSellerId)
            : new AccountProfile(accountId, accountId, null);
}
