using System.Globalization;
using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Journey.Domain.Model;

/// <summary>A rule whose conditions hold, with its reason already written and the signals behind it.</summary>
public sealed record Firing(OutreachRule Rule, string Reason, string? ContactId, IReadOnlyList<Guid> Evidence);

/// <summary>Evaluates the playbook's next-best-outreach rules against a journey and fills their reason templates.</summary>
public static class Rules
{
    /// <summary>The rules that fire, in the playbook's order (a list made only when one does: an iterator per evaluation was garbage on every signal).</summary>
    public static IReadOnlyList<Firing> Evaluate(AccountJourney state, AccountProfile profile, IReadOnlyCollection<string> triggers, RecentSignal? trigger, DateTimeOffset now, JourneyContext ctx)
    {
        List<Firing>? firings = null;
        var playbook = ctx.Playbook;
        JourneyScores? scores = null;
        JourneyScores Scores() => scores ??= Scoring.Of(state, now, playbook);
        // Made when a rule first fires: most evaluations fire none.
        HashSet<string>? firedActions = null;

        foreach (var rule in playbook.RulesInOrder)
        {
            if (!Triggered(rule, triggers))
            {
                continue;
            }

            // One prompt per account and action at a time (also among this evaluation's firings); a cooldown per rule;
            // a seller working the account is left alone.
            if (HasActive(state, rule.Action)
                || firedActions?.Contains(rule.Action) == true
                || (state.LastFired.TryGetValue(rule.Id, out var last) && now - last < TimeSpan.FromHours(rule.CooldownHours))
                || (!rule.BypassSuppression && state.WorkingUntil > now))
            {
                continue;
            }

            var window = rule.When?.Window is { } w ? InWindow(state, w, now) : null;
            if (!Holds(rule.When, state, profile, window, now, ctx, Scores))
            {
                continue;
            }

            var reason = new ReasonFacts(state, profile, trigger, window, now, ctx).Fill(rule.Reason);
            var contact = trigger?.ContactId ?? window?.LastOrDefault(s => s.ContactId is not null)?.ContactId
                ?? state.BuyingGroup.OrderByDescending(m => m.Value.LastActive).Select(m => m.Key).FirstOrDefault();
            (firedActions ??= new HashSet<string>(StringComparer.Ordinal)).Add(rule.Action);
            var evidence = (window is { Count: > 0 } ? window.TakeLast(10).Select(s => s.SignalId) : trigger is null ? [] : [trigger.SignalId]).ToList();
            (firings ??= []).Add(new Firing(rule, reason, contact, evidence));
        }

        return firings ?? (IReadOnlyList<Firing>)[];
    }

    // Loops rather than lambdas: these run for every rule on every signal, and a lambda capturing the rule is a new delegate each time.
    private static bool Triggered(OutreachRule rule, IReadOnlyCollection<string> triggers)
    {
        // By index: a foreach over the interface boxes the list's enumerator.
        var keys = rule.Trigger;
        for (var i = 0; i < keys.Count; i++)
        {
            if (triggers.Contains(keys[i]) || (keys[i] == SignalKeys.Any && !triggers.Contains(SignalKeys.Tick)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasActive(AccountJourney state, string action)
    {
        // The dictionary's own struct enumerator: ActivePrompts (its Values) allocates an iterator.
        foreach (var prompt in state.Prompts)
        {
            if (prompt.Value.Action == action)
            {
                return true;
            }
        }

        return false;
    }

    private static List<RecentSignal> InWindow(AccountJourney state, SignalWindow w, DateTimeOffset now) =>
        [.. state.Recent.Where(s => w.Keys.Contains(s.Key) && s.OccurredAt >= now.AddHours(-w.Hours)).OrderBy(s => s.OccurredAt)];

    private static bool Holds(RuleConditions? when, AccountJourney state, AccountProfile profile, List<RecentSignal>? window, DateTimeOffset now, JourneyContext ctx, Func<JourneyScores> scores)
    {
        if (when is null)
        {
            return true;
        }

        if (when.Window is { } w && (window!.Count < w.MinCount || People(window) < w.MinPeople))
        {
            return false;
        }

        return (when.FocusJobs is null || (state.FocusJob is { } f && when.FocusJobs.Contains(f)))
            && (when.MinFurthest is null || BuyingJobs.IndexOf(state.FurthestJob) >= BuyingJobs.IndexOf(when.MinFurthest))
            && (when.MinUrgency is null || scores().Urgency >= when.MinUrgency)
            && (when.MinSurge is null || scores().Surge >= when.MinSurge)
            && (when.MinEngagement is null || scores().Engagement >= when.MinEngagement)
            && (when.TopAccount is not true || IsTopAccount(profile, ctx))
            && (when.ActiveDays is null || state.LastSignalAt >= now.AddDays(-when.ActiveDays.Value))
            && (when.NoInPersonDays is null || state.LastInPersonAt is null || state.LastInPersonAt < now.AddDays(-when.NoInPersonDays.Value))
            && (when.StalledDays is null || (state.LastProgressAt is { } p && now - p >= TimeSpan.FromDays(when.StalledDays.Value)));
    }

    /// <summary>Top accounts: a top tier, or annual revenue in the top share of known accounts (the threshold is computed by the host).</summary>
    public static bool IsTopAccount(AccountProfile profile, JourneyContext ctx) =>
        (profile.Tier is { } tier && ctx.Playbook.TopAccounts.Tiers.Contains(tier))
        || (profile.AnnualRevenue is { } revenue && ctx.TopRevenueThreshold is { } threshold && revenue >= threshold);

    /// <summary>Distinct known people in the window; anonymous activity counts as one person.</summary>
    private static int People(IEnumerable<RecentSignal> signals)
    {
        var list = signals.ToList();
        var known = list.Where(s => s.ContactId is not null).Select(s => s.ContactId).Distinct(StringComparer.Ordinal).Count();
        return known > 0 ? known : Math.Min(1, list.Count);
    }

    /// <summary>The placeholders a reason template may use (the window's only in a rule with a window).</summary>
    public static IReadOnlyList<string> Placeholders => ReasonFacts.Names;

    internal static string ChatNote(AccountJourney state, DateTimeOffset now)
    {
        var asks = state.Recent.Where(s => s.Key.StartsWith("chat:", StringComparison.Ordinal) && s.Key != "chat:other" && s.OccurredAt >= now.AddHours(-48))
            .GroupBy(s => s.ContactId)
            .Select(g => $"{NameOf(g.Key)} asked the chat about {string.Join(" and ", g.Select(s => s.Key["chat:".Length..]).Distinct(StringComparer.Ordinal))}")
            .ToList();
        return asks.Count == 0 ? "" : "; " + string.Join("; ", asks);
    }

    /// <summary>"kim.lee@acme.com" -> "Kim Lee". A seller reads a name, not an address.</summary>
    public static string NameOf(string? contactId)
    {
        if (string.IsNullOrEmpty(contactId))
        {
            return "Someone";
        }

        var local = contactId.Split('@')[0];
        var parts = local.Split(['.', '_', '-'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? contactId : string.Join(' ', parts.Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    internal static string Since(DateTimeOffset at, DateTimeOffset now)
    {
        var days = (now.UtcDateTime.Date - at.UtcDateTime.Date).Days;
        return days switch
        {
            <= 0 => "today " + at.ToUniversalTime().ToString("HH:mm", CultureInfo.InvariantCulture),
            1 => "yesterday",
            _ => $"{days} days ago",
        };
    }
}

/// <summary>
/// A reason template's placeholders for one firing, each worked out only when the template names it (and the scores'
/// breakdown once at most): every fact for every firing, the breakdown twice, was a few per cent of all a signal
/// allocated. A placeholder it does not know, or a window's when there is no window, stays as written.
/// </summary>
internal sealed class ReasonFacts(AccountJourney state, AccountProfile profile, RecentSignal? trigger, List<RecentSignal>? window, DateTimeOffset now, JourneyContext ctx)
{
    public static readonly IReadOnlyList<string> Names =
    [
        "account", "contact", "time", "formKind", "focus", "furthest", "lastProgress", "urgency", "urgencyDrivers", "nextNeeds", "chatNote",
        "windowCount", "windowPeople", "windowPeopleNames", "windowSince",
    ];

    private ScoreBreakdown? _scores;
    private List<string>? _people;

    private ScoreBreakdown Scores => _scores ??= Scoring.Explain(state, now, ctx.Playbook);

    private List<string> People => _people ??= [.. window!.Where(s => s.ContactId is not null).Select(s => s.ContactId!).Distinct(StringComparer.Ordinal)];

    public string? this[string name] => name switch
    {
        "account" => profile.Name,
        "contact" => Rules.NameOf(trigger?.ContactId ?? state.BuyingGroup.OrderByDescending(m => m.Value.LastActive).Select(m => m.Key).FirstOrDefault()),
        "time" => trigger is null ? "" : trigger.OccurredAt.ToUniversalTime().ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture),
        "formKind" => trigger?.Key.StartsWith("form:", StringComparison.Ordinal) == true ? trigger.Key["form:".Length..].Replace('_', ' ') : "",
        "focus" => state.FocusJob is null ? "no focus yet" : Scoring.Label(state.FocusJob),
        "furthest" => state.FurthestJob is null ? "no job yet" : Scoring.Label(state.FurthestJob),
        "lastProgress" => state.LastProgressAt?.ToString("d MMM", CultureInfo.InvariantCulture) ?? "the start",
        "urgency" => Scores.Urgency.Value.ToString(CultureInfo.InvariantCulture),
        "urgencyDrivers" => string.Join(", ", Scores.Urgency.Drivers),
        "nextNeeds" => ForwardEcho.Predict(state.FocusJob, ctx.Transitions, ctx.Playbook) is { } echo ? string.Join(" and ", echo.Needs.Take(2)) : "a short check-in",
        "chatNote" => Rules.ChatNote(state, now),
        "windowCount" when window is not null => window.Count.ToString(CultureInfo.InvariantCulture),
        "windowPeople" when window is not null => People.Count switch
        {
            0 => "Someone",
            1 => Rules.NameOf(People[0]),
            2 => $"{Rules.NameOf(People[0])} and {Rules.NameOf(People[1])}",
            _ => $"{People.Count} people",
        },
        "windowPeopleNames" when window is not null => People.Count == 0 ? "not yet identified" : string.Join(", ", People.Select(Rules.NameOf)),
        "windowSince" when window is not null => window.Count == 0 ? "now" : Rules.Since(window[0].OccurredAt, now),
        _ => null,
    };

    /// <summary>The template with each placeholder it names filled in, left to right.</summary>
    public string Fill(string template)
    {
        var filled = new System.Text.StringBuilder(template.Length + 64);
        var at = 0;
        while (at < template.Length)
        {
            var open = template.IndexOf('{', at);
            var close = open < 0 ? -1 : template.IndexOf('}', open + 1);
            if (close < 0)
            {
                break;
            }

            filled.Append(template, at, open - at);
            var value = this[template[(open + 1)..close]];
            if (value is null)
            {
                filled.Append(template, open, close - open + 1);
            }
            else
            {
                filled.Append(value);
            }

            at = close + 1;
        }

        return filled.Append(template, at, template.Length - at).ToString();
    }
}
