using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Journey.Domain.Model;

/// <summary>
/// The four scores, 0-100, each with the inputs that drove it: engagement (decayed evidence over all jobs), breadth
/// (people and channels in the window), surge (the last week against the account's own prior four weeks) and urgency
/// (surge, late jobs, urgent chat intents, a positive reply or a sales form). <see cref="Of"/> is the numbers alone
/// (every decision needs them); <see cref="Explain"/> adds the drivers as words (prompts and the account page).
/// </summary>
public static class Scoring
{
    private const int UrgentIntentPoints = 20;
    private const int PositiveReplyPoints = 25;
    private const int SalesFormPoints = 25;
    private const double SurgeShare = 0.4;

    /// <summary>What the scores are computed from, measured once.</summary>
    private readonly record struct Inputs(
        double TotalLevel, int People, int Channels, int Recent, double Baseline, int LateJobPoints, bool UrgentIntent, bool PositiveReply, bool SalesForm);

    public static JourneyScores Of(AccountJourney state, DateTimeOffset now, Playbook playbook)
    {
        var m = Measure(state, now, playbook);
        var surge = Surge(m);
        return new JourneyScores(Engagement(m, playbook), Breadth(m, playbook), surge, Urgency(m, surge));
    }

    public static ScoreBreakdown Explain(AccountJourney state, DateTimeOffset now, Playbook playbook)
    {
        var s = playbook.Scores;
        var m = Measure(state, now, playbook);
        var levels = BuyingJobs.All.Select((job, i) => (job, level: state.Jobs[i].At(now, playbook.Engagement).Level));
        var engagement = new ExplainedScore(
            Engagement(m, playbook),
            [.. levels.Where(l => l.level >= 0.05).OrderByDescending(l => l.level).Take(3).Select(l => $"{Label(l.job)} {l.level:0.#}")]);

        var since = now.AddDays(-s.BreadthWindowDays);
        var channels = state.Channels.Where(c => c.Value >= since).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        var breadth = new ExplainedScore(
            Breadth(m, playbook),
            [$"{m.People} {(m.People == 1 ? "person" : "people")} in {s.BreadthWindowDays:0} days", channels.Count == 0 ? "no channels" : string.Join(", ", channels)]);

        var window = (int)s.SurgeWindowDays;
        var surgeValue = Surge(m);
        var surge = new ExplainedScore(surgeValue, [$"{m.Recent} signals in the last {window} days", $"{m.Baseline:0.#} per {window} days before"]);

        var drivers = new List<string>();
        if (surgeValue > 0)
        {
            drivers.Add($"surge {surgeValue}");
        }

        if (m.LateJobPoints > 0)
        {
            drivers.Add($"focus on {Label(state.FocusJob!)}");
        }

        if (m.UrgentIntent)
        {
            var week = now.AddDays(-7);
            var intents = state.Recent.Where(r => r.OccurredAt >= week && s.UrgencyIntents.Any(i => r.Key == "chat:" + i)).Select(r => r.Key["chat:".Length..]).Distinct(StringComparer.Ordinal);
            drivers.Add("asked the chat about " + string.Join(" and ", intents));
        }

        if (m.PositiveReply)
        {
            drivers.Add("a positive email reply");
        }

        if (m.SalesForm)
        {
            drivers.Add("asked to talk to sales");
        }

        return new ScoreBreakdown(engagement, breadth, surge, new ExplainedScore(Urgency(m, surgeValue), drivers));
    }

    /// <summary>"supplier_selection" -> "supplier selection".</summary>
    public static string Label(string job) => job.Replace('_', ' ');

    private static Inputs Measure(AccountJourney state, DateTimeOffset now, Playbook playbook)
    {
        var s = playbook.Scores;
        double total = 0;
        foreach (var job in state.Jobs)
        {
            total += job.LevelAt(now, playbook.Engagement);
        }

        var since = now.AddDays(-s.BreadthWindowDays);
        var people = 0;
        // The dictionaries' own struct enumerators: .Values allocates an iterator, and this runs several times a signal.
        foreach (var member in state.BuyingGroup)
        {
            people += member.Value.LastActive >= since ? 1 : 0;
        }

        var channels = 0;
        foreach (var seen in state.Channels)
        {
            channels += seen.Value >= since ? 1 : 0;
        }

        var window = (int)s.SurgeWindowDays;
        var recent = state.Daily.Sum(now, 0, window);
        var baseline = state.Daily.Sum(now, window, window + (int)s.SurgeBaselineDays) / (s.SurgeBaselineDays / s.SurgeWindowDays);

        var week = now.AddDays(-7);
        bool urgentIntent = false, positiveReply = false, salesForm = false;
        foreach (var r in state.Recent)
        {
            if (r.OccurredAt < week)
            {
                continue;
            }

            positiveReply |= r.Key == "email:replied:positive";
            salesForm |= r.Key is "form:contact_sales" or "form:demo_request";
            if (!urgentIntent && r.Key.StartsWith("chat:", StringComparison.Ordinal))
            {
                for (var i = 0; i < s.UrgencyIntents.Count; i++)
                {
                    urgentIntent |= r.Key.AsSpan(5).SequenceEqual(s.UrgencyIntents[i]);
                }
            }
        }

        var late = state.FocusJob is { } focus && s.UrgencyLateJobs.TryGetValue(focus, out var points) ? points : 0;
        return new Inputs(total, people, channels, recent, baseline, late, urgentIntent, positiveReply, salesForm);
    }

    private static int Engagement(Inputs m, Playbook playbook) => Clamp(100 * (1 - Math.Exp(-m.TotalLevel / playbook.Engagement.Scale)));

    private static int Breadth(Inputs m, Playbook playbook) => Clamp((m.People * playbook.Scores.BreadthPerPerson) + (m.Channels * playbook.Scores.BreadthPerChannel));

    private static int Surge(Inputs m)
    {
        var ratio = (m.Recent + 1) / (m.Baseline + 1);
        return ratio <= 1 ? 0 : Clamp(100 * (1 - (1 / ratio)));
    }

    private static int Urgency(Inputs m, int surge) => Clamp(
        (SurgeShare * surge) + m.LateJobPoints + (m.UrgentIntent ? UrgentIntentPoints : 0) + (m.PositiveReply ? PositiveReplyPoints : 0) + (m.SalesForm ? SalesFormPoints : 0));

    private static int Clamp(double value) => double.IsNaN(value) ? 0 : (int)Math.Round(Math.Clamp(value, 0, 100));
}
