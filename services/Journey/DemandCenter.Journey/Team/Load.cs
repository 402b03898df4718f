using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;

namespace DemandCenter.Journey.Team;

/// <summary>How a decision's events change sellers' load (active prompts), so later decisions in the batch see it.</summary>
public static class Load
{
    public static Domain.Model.Team Apply(Domain.Model.Team team, AccountJourney before, IEnumerable<JourneyEvent> events)
    {
        foreach (var e in events)
        {
            team = e switch
            {
                PromptRaised r => team.WithLoad(r.SellerId, +1),
                PromptDismissed d when before.Prompts.GetValueOrDefault(d.PromptId) is { } p => team.WithLoad(p.SellerId, -1),
                PromptCompleted c when before.Prompts.GetValueOrDefault(c.PromptId) is { } p => team.WithLoad(p.SellerId, -1),
                PromptReassigned m => team.WithLoad(m.From, -1).WithLoad(m.To, +1),
                PromptAccepted a when before.Prompts.GetValueOrDefault(a.PromptId) is { } p && PromptPools.IsPool(p.SellerId) => team.WithLoad(p.SellerId, -1).WithLoad(a.By, +1),
                _ => team,
            };
        }

        return team;
    }
}
