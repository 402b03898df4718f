using System.Collections.Immutable;
using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Journey.Domain.Model;

/// <summary>Per-job engagement with exponential decay, the focus job with hysteresis, and the furthest job reached.</summary>
public static class Engagement
{
    private static double Factor(TimeSpan elapsed, double halfLifeDays) =>
        elapsed <= TimeSpan.Zero ? 1 : Math.Pow(2, -elapsed.TotalDays / halfLifeDays);

    /// <summary>The job's level and momentum brought forward to <paramref name="now"/> (never backwards).</summary>
    public static JobState At(this JobState job, DateTimeOffset now, EngagementSettings s) =>
        job.AsOf is not { } asOf || now <= asOf
            ? job
            : job with { Level = job.Level * Factor(now - asOf, s.HalfLifeDays), Momentum = job.Momentum * Factor(now - asOf, s.MomentumHalfLifeDays), AsOf = now };

    /// <summary>The job's level alone, brought forward to <paramref name="now"/>: what the scores read, without a new state.</summary>
    public static double LevelAt(this JobState job, DateTimeOffset now, EngagementSettings s) =>
        job.AsOf is not { } asOf || now <= asOf ? job.Level : job.Level * Factor(now - asOf, s.HalfLifeDays);

    /// <summary>The job's momentum alone, brought forward to <paramref name="now"/>: what the focus reads, without a new state.</summary>
    public static double MomentumAt(this JobState job, DateTimeOffset now, EngagementSettings s) =>
        job.AsOf is not { } asOf || now <= asOf ? job.Momentum : job.Momentum * Factor(now - asOf, s.MomentumHalfLifeDays);

    /// <summary>Adds evidence that happened at <paramref name="at"/>; a late-arriving signal counts as already decayed.</summary>
    public static JobState Add(this JobState job, double weight, DateTimeOffset at, EngagementSettings s)
    {
        var asOf = job.AsOf is { } a && a > at ? a : at;
        var current = job.At(asOf, s);
        return current with
        {
            Level = current.Level + (weight * Factor(asOf - at, s.HalfLifeDays)),
            Momentum = current.Momentum + (weight * Factor(asOf - at, s.MomentumHalfLifeDays)),
            AsOf = asOf,
            Evidence = current.Evidence + weight,
            LastEvidenceAt = job.LastEvidenceAt is { } l && l > at ? l : at,
        };
    }

    /// <summary>What the playbook says the keys are evidence of: job -> total weight. Recorded in the event, so replay does not depend on today's playbook.</summary>
    public static IReadOnlyDictionary<string, double> EvidenceFor(IEnumerable<string> keys, Playbook playbook)
    {
        var evidence = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (playbook.Evidence.GetValueOrDefault(key) is { } weights)
            {
                foreach (var (job, weight) in weights)
                {
                    evidence[job] = evidence.GetValueOrDefault(job) + weight;
                }
            }
        }

        return evidence;
    }

    public static ImmutableArray<JobState> AddEvidence(ImmutableArray<JobState> jobs, IReadOnlyDictionary<string, double> evidence, DateTimeOffset at, EngagementSettings settings)
    {
        if (evidence.Count == 0)
        {
            return jobs;
        }

        var builder = jobs.ToBuilder();
        foreach (var (job, weight) in evidence)
        {
            var i = BuyingJobs.IndexOf(job);
            if (i >= 0)
            {
                builder[i] = builder[i].Add(weight, at, settings);
            }
        }

        return builder.MoveToImmutable();
    }

    /// <summary>
    /// Where recent momentum is. A challenger takes the focus only when its momentum beats the current focus's by
    /// the switch ratio and reaches the minimum, so one stray page view does not make the focus flicker.
    /// </summary>
    public static string? Focus(AccountJourney state, DateTimeOffset now, Playbook playbook)
    {
        // A loop over the jobs, not the dictionary of Momentum: this runs for every signal. The first job with the
        // highest (rounded) momentum leads, as in the dictionary's order.
        var focus = BuyingJobs.IndexOf(state.FocusJob);
        int best = -1;
        double bestMomentum = 0, current = 0;
        for (var i = 0; i < state.Jobs.Length; i++)
        {
            var m = Math.Round(state.Jobs[i].MomentumAt(now, playbook.Engagement), 3);
            if (best < 0 || m > bestMomentum)
            {
                (best, bestMomentum) = (i, m);
            }

            current = i == focus ? m : current;
        }

        if (best < 0 || bestMomentum <= 0)
        {
            return state.FocusJob;
        }

        if (state.FocusJob is null)
        {
            return BuyingJobs.All[best];
        }

        return best != focus && bestMomentum >= playbook.Focus.MinMomentum && bestMomentum >= current * playbook.Focus.SwitchRatio
            ? BuyingJobs.All[best]
            : state.FocusJob;
    }

    public static Dictionary<string, double> Momentum(AccountJourney state, DateTimeOffset now, Playbook playbook) =>
        BuyingJobs.All.Select((job, i) => (job, m: state.Jobs[i].At(now, playbook.Engagement).Momentum))
            .ToDictionary(x => x.job, x => Math.Round(x.m, 3), StringComparer.Ordinal);

    /// <summary>The furthest job (in the usual order) with enough evidence; moving back later does not lower it.</summary>
    public static string? Furthest(ImmutableArray<JobState> jobs, string? previous, double minEvidence)
    {
        var furthest = BuyingJobs.IndexOf(previous);
        for (var i = 0; i < jobs.Length; i++)
        {
            if (jobs[i].Evidence >= minEvidence && i > furthest)
            {
                furthest = i;
            }
        }

        return furthest < 0 ? null : BuyingJobs.All[furthest];
    }
}
