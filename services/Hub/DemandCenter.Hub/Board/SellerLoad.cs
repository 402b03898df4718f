using DemandCenter.Contracts;
using Microsoft.Extensions.Options;

namespace DemandCenter.Hub.Board;

/// <summary>One seller's active prompts against their capacity; Overdue counts open and accepted prompts past their due time.</summary>
public sealed record SellerLoad(string SellerId, string Name, string? Specialty, string? Territory, int Capacity, int Open, int Accepted, int Snoozed, int Overdue)
{
    public int Active => Open + Accepted + Snoozed;
}

/// <summary>
/// Demand against capacity for a group of sellers (a role/pool or a territory): Active prompts in the group,
/// Unassigned those waiting in a pool's feed, Shortfall how far demand outstrips capacity (0 when it does not).
/// </summary>
public sealed record GroupLoad(string Key, int Sellers, int Capacity, int Active, int Unassigned, int Overdue)
{
    public int Shortfall => Math.Max(0, Active - Capacity);
}

/// <summary>The board's seller load panel (hub method loadChanged, GET /api/v1/board/load) and the last hour's flow.</summary>
public sealed record BoardLoad(
    DateTimeOffset At,
    IReadOnlyList<SellerLoad> Sellers,
    IReadOnlyList<GroupLoad> Roles,
    IReadOnlyList<GroupLoad> Territories,
    IReadOnlyList<FlowEntry> Flow,
    int Active,
    int Unassigned,
    int Overdue);

/// <summary>Computes the load panel from the prompt ledger, the roster and the board's cards.</summary>
public sealed class SellerLoadCalculator(PromptLedger ledger, BoardState board, IOptionsMonitor<RosterOptions> roster, TimeProvider time)
{
    private const string NoTerritory = "none";

    public BoardLoad Compute()
    {
        var now = time.GetUtcNow();
        var people = roster.CurrentValue;
        var sellers = people.People.Where(p => p.Role == Auth.Roles.Seller).ToList();
        var prompts = ledger.Snapshot();
        bool IsOverdue(LedgerEntry e) => e.DueBy < now && e.Status != PromptStatus.Snoozed;
        // The roster's lists are searched linearly; index them once per computation.
        var territories = people.Accounts.Where(a => a.Territory is not null).DistinctBy(a => a.AccountId).ToDictionary(a => a.AccountId, a => a.Territory!, StringComparer.Ordinal);
        string TerritoryOf(string accountId) => territories.GetValueOrDefault(accountId) ?? board.Card(accountId)?.Territory ?? NoTerritory;

        var bySeller = prompts.ToLookup(p => p.SellerId, StringComparer.Ordinal);
        var sellerLoads = sellers.Select(s =>
        {
            var own = bySeller[s.Id].ToList();
            return new SellerLoad(s.Id, s.Name, s.Specialty, s.Territory, s.Capacity,
                own.Count(p => p.Status == PromptStatus.Open), own.Count(p => p.Status == PromptStatus.Accepted),
                own.Count(p => p.Status == PromptStatus.Snoozed), own.Count(IsOverdue));
        }).ToList();

        var roles = PromptRoles.All.Select(role =>
        {
            var members = sellers.Where(s => s.Specialty == role).ToList();
            var demand = prompts.Where(p => p.Role == role).ToList();
            return new GroupLoad(role, members.Count, members.Sum(s => s.Capacity), demand.Count,
                demand.Count(p => p.SellerId == PromptPools.FeedOf(role)), demand.Count(IsOverdue));
        }).ToList();

        var demandByTerritory = prompts.ToLookup(p => TerritoryOf(p.AccountId), StringComparer.Ordinal);
        var sellersByTerritory = sellers.Where(s => s.Territory is not null).ToLookup(s => s.Territory!, StringComparer.Ordinal);
        var territoryLoads = demandByTerritory.Select(g => g.Key).Union(sellersByTerritory.Select(g => g.Key)).Order(StringComparer.Ordinal)
            .Select(t =>
            {
                var demand = demandByTerritory[t].ToList();
                var members = sellersByTerritory[t].ToList();
                return new GroupLoad(t, members.Count, members.Sum(s => s.Capacity), demand.Count, demand.Count(p => PromptPools.IsPool(p.SellerId)), demand.Count(IsOverdue));
            }).ToList();

        return new BoardLoad(now, sellerLoads, roles, territoryLoads, board.Flow(), prompts.Count,
            prompts.Count(p => PromptPools.IsPool(p.SellerId)), prompts.Count(IsOverdue));
    }
}
