using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Journey.Domain.Model;

public sealed record TeamMember(string Id, string Specialty, int Capacity, string? Territory);

/// <summary>The sellers and their current load (active prompts each); an input to decisions, refreshed by the host.</summary>
public sealed record Team(IReadOnlyList<TeamMember> Members, IReadOnlyDictionary<string, int> Load)
{
    public static Team Empty { get; } = new([], new Dictionary<string, int>());

    public TeamMember? Member(string id) => Members.FirstOrDefault(m => m.Id == id);

    public int LoadOf(string id) => Load.GetValueOrDefault(id);

    public bool HasRoom(TeamMember m) => LoadOf(m.Id) < m.Capacity;

    /// <summary>The same team with one more (or fewer) prompt on a seller: applied between decisions in one batch.</summary>
    public Team WithLoad(string sellerId, int delta)
    {
        var load = new Dictionary<string, int>(Load, StringComparer.Ordinal);
        load[sellerId] = Math.Max(0, load.GetValueOrDefault(sellerId) + delta);
        return this with { Load = load };
    }
}

/// <summary>Who gets a prompt: <see cref="SellerId"/> is a seller or a pool's feed (waiting for a free specialist).</summary>
public sealed record Assignment(string SellerId, string Role, bool Overflow);

/// <summary>Owner versus specialist pools, respecting each seller's open-prompt capacity.</summary>
public static class Routing
{
    public static Assignment Route(string role, AccountProfile profile, Team team, Playbook playbook, string? except = null)
    {
        if (role == PromptRoles.Owner && profile.OwnerSellerId is { } owner && owner != except)
        {
            var member = team.Member(owner);
            if (member is null || team.HasRoom(member))
            {
                return new Assignment(owner, role, Overflow: false);
            }

            // The owner is full: the overflow pool takes it, visibly marked.
            return FromPool(playbook.Routing.OverflowRole, profile, team, except) with { Overflow = true };
        }

        return FromPool(role == PromptRoles.Owner ? playbook.Routing.OverflowRole : role, profile, team, except);
    }

    private static Assignment FromPool(string pool, AccountProfile profile, Team team, string? except)
    {
        var candidates = team.Members.Where(m => m.Specialty == pool && m.Id != except).ToList();
        var free = candidates.Where(team.HasRoom)
            .OrderBy(m => m.Territory == profile.Territory ? 0 : 1)
            .ThenBy(m => (double)team.LoadOf(m.Id) / Math.Max(1, m.Capacity))
            .ThenBy(m => m.Id, StringComparer.Ordinal)
            .FirstOrDefault();
        return free is not null
            ? new Assignment(free.Id, pool, Overflow: false)
            : new Assignment(PromptPools.FeedOf(pool), pool, Overflow: candidates.Count > 0);
    }
}
