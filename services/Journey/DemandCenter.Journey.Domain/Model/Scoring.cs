using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Journey.Domain.Model;

/// <summary>
/// The four scores, 0-100, each with the inputs that drove it: engagement (decayed evidence over all jobs), breadth
/// (people and channels in the window), surge (the last week against the account's own prior four weeks) and urgency
/// (surge, late jobs, urgent chat intents, a positive reply or a sales form).
/// </summary>
public static class Scoring
{
    public static JourneyScores Of(AccountJourney state, DateTimeOffset now, Playbook playbook)
    {
        var b = Explain(state, now, playbook);
        return new JourneyScores(b.Engagement.Value, b.Breadth.Value, b.Surge.Value, b.Urgency.Value);
    }

    public static ScoreBreakdown Explain(AccountJourney state, DateTimeOffset now, Playbook playbook)
    {
        var s = playbook.Scores;

        var levels = BuyingJobs.All.Select((job, i) => (job, level: state.Jobs[i].At(now, playbook.Engagement).Level)).ToList();
        var total = levels.Sum(l => l.level);
        var engagement = new ExplainedScore(
            Clamp(100 * (1 - Math.Exp(-total / playbook.Engagement.Scale))),
            [.. levels.Where(l => l.level >= 0.05).OrderByDescending(l => l.level).Take(3).Select(l => $"{Label(l.job)} {l.level:0.#}")]);

        var since = now.AddDays(-s.BreadthWindowDays);
        var people = state.BuyingGroup.Count(m => m.Value.LastActive >= since);
        var channels = state.Channels.Where(c => c.Value >= since).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        var breadth = new ExplainedScore(
            Clamp((people * s.BreadthPerPerson) + (channels.Count * s.BreadthPerChannel)),
            [$"{people} {(people == 1 ? "person" : "people")} in {s.BreadthWindowDays:0} days", channels.Count == 0 ? "no channels" : string.Join(", ", channels)]);

        var window = (int)s.SurgeWindowDays;
        var recent = state.Daily.Sum(now, 0, window);
        var baseline = state.Daily.Sum(now, window, window + (int)s.SurgeBaselineDays) / (s.SurgeBaselineDays / s.SurgeWindowDays);
        var ratio = (recent + 1) / (baseline + 1);
        var surge = new ExplainedScore(
            ratio <= 1 ? 0 : Clamp(100 * (1 - (1 / ratio))),
            [$"{recent} signals in the last {window} days", $"{baseline:0.#} per {window} days before"]);

        var drivers = new List<string>();
        double urgency = 0.4 * surge.Value;
        if (surge.Value > 0)
        {
            drivers.Add($"surge {surge.Value}");
        }

        if (state.FocusJob is { } focus && s.UrgencyLateJobs.TryGetValue(focus, out var late))
        {
            urgency += late;
            drivers.Add($"focus on {Label(focus)}");
        }

        var week = now.AddDays(-7);
        var recentSignals = state.Recent.Where(r => r.OccurredAt >= week).ToList();
        var urgentIntents = recentSignals.Where(r => s.UrgencyIntents.Any(i => r.Key == "chat:" + i)).Select(r => r.Key["chat:".Length..]).Distinct(StringComparer.Ordinal).ToList();
        if (urgentIntents.Count > 0)
        {
            urgency += 20;
            drivers.Add("asked the chat about " + string.Join(" and ", urgentIntents));
        }

        if (recentSignals.Any(r => r.Key == "email:replied:positive"))
        {
            urgency += 25;
            drivers.Add("a positive email reply");
        }

        if (recentSignals.Any(r => r.Key is "form:contact_sales" or "form:demo_request"))
        {
            urgency += 25;
            drivers.Add("asked to talk to sales");
        }

        return new ScoreBreakdown(engagement, breadth, surge, new ExplainedScore(Clamp(urgency), drivers));
    }

    /// <summary>"supplier_selection" -> "supplier selection".</summary>
    public static string Label(string job) => job.Replace('_', ' ');

    private static int Clamp(double value) => double.IsNaN(value) ? 0 : (int)Math.Round(Math.Clamp(value, 0, 100));
}
