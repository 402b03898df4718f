using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Journey.Domain.Model;

/// <summary>Focus transitions observed across all accounts (count and total days spent before moving), and prompt outcomes per job.</summary>
public sealed record TransitionModel(
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, TransitionStat>> Transitions,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, OutcomeStat>> Outcomes)
{
    public static TransitionModel Empty { get; } = new(
        new Dictionary<string, IReadOnlyDictionary<string, TransitionStat>>(),
        new Dictionary<string, IReadOnlyDictionary<string, OutcomeStat>>());
}

public sealed record TransitionStat(int Count, double TotalDays);

/// <summary>Completed prompts of one action at one focus job, and how many of them connected or booked a meeting.</summary>
public sealed record OutcomeStat(int Completed, int Succeeded);

/// <summary>
/// Forward echo: from the account's focus job, the likely next focus job, its probability and typical time, with
/// the playbook's prior as pseudo-counts so a young installation still answers, and data taking over as it grows.
/// </summary>
public static class ForwardEcho
{
    public static ForwardEchoView? Predict(string? focus, TransitionModel model, Playbook playbook)
    {
        if (focus is null)
        {
            return null;
        }

        var settings = playbook.ForwardEcho;
        var prior = settings.Prior.GetValueOrDefault(focus) ?? new Dictionary<string, double>();
        var observed = model.Transitions.GetValueOrDefault(focus) ?? new Dictionary<string, TransitionStat>();
        var observedTotal = observed.Values.Sum(t => t.Count);
        var candidates = prior.Keys.Union(observed.Keys).Where(j => j != focus).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        double Weight(string job) => prior.GetValueOrDefault(job) + (observed.TryGetValue(job, out var t) ? t.Count : 0);
        var total = candidates.Sum(Weight);
        var next = candidates.OrderByDescending(Weight).ThenBy(j => BuyingJobs.IndexOf(j)).First();
        var stat = observed.GetValueOrDefault(next);
        var priorCount = prior.GetValueOrDefault(next);
        var days = ((settings.PriorDays * priorCount) + (stat?.TotalDays ?? 0)) / Math.Max(1e-9, priorCount + (stat?.Count ?? 0));

        var needs = settings.Needs.GetValueOrDefault(next)?.ToList() ?? [];
        // What worked there: the action whose completed prompts (at least three) most often connected or booked a meeting.
        var worked = (model.Outcomes.GetValueOrDefault(next) ?? new Dictionary<string, OutcomeStat>())
            .Where(o => o.Value.Completed >= 3)
            .OrderByDescending(o => (double)o.Value.Succeeded / o.Value.Completed)
            .Select(o => (Action: o.Key, o.Value))
            .FirstOrDefault();
        if (worked.Action is not null)
        {
            needs.Add($"what worked there: {worked.Action.Replace('_', ' ')} ({worked.Value.Succeeded} of {worked.Value.Completed} connected or booked a meeting)");
        }

        return new ForwardEchoView(
            next,
            Math.Round(Weight(next) / total, 2),
            Math.Round(days, 1),
            needs,
            observedTotal >= settings.MinObserved ? "learned" : "prior",
            observedTotal);
    }
}
