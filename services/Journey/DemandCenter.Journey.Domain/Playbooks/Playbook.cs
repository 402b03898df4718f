using System.Text.Json;
using DemandCenter.Contracts;

namespace DemandCenter.Journey.Domain.Playbooks;

/// <summary>
/// The journey model and the next-best-outreach rules as configuration (Playbooks/playbook.json by default):
/// which signal is evidence for which buying job and how much, decay, focus hysteresis, score weights, the
/// forward-echo prior, and the versioned rules. Parsed once; immutable.
/// </summary>
public sealed record Playbook
{
    public required string Version { get; init; }
    public required EngagementSettings Engagement { get; init; }
    public required FocusSettings Focus { get; init; }

    /// <summary>Signal key (see <see cref="SignalKeys"/>) -> job -> weight.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Evidence { get; init; }

    public required ScoreSettings Scores { get; init; }
    public IReadOnlyList<string> TransactionalSegments { get; init; } = [];
    public required TopAccountSettings TopAccounts { get; init; }

    /// <summary>How long after a seller accepts or works a prompt the account is theirs: other prompts are held back.</summary>
    public double WorkingHours { get; init; } = 48;

    /// <summary>Territory -> IANA time zone, the fallback for best-time windows.</summary>
    public IReadOnlyDictionary<string, string> Territories { get; init; } = new Dictionary<string, string>();

    public string DefaultTimeZone { get; init; } = "Etc/UTC";
    public required RoutingSettings Routing { get; init; }
    public required ForwardEchoSettings ForwardEcho { get; init; }
    public required IReadOnlyList<OutreachRule> Rules { get; init; }

    /// <summary>The rules in evaluation order (priority, then id), sorted once per rule list rather than per signal.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<OutreachRule> RulesInOrder
    {
        get
        {
            // Keyed on the list itself, so a copy made with `with { Rules = ... }` never uses the original's order.
            var cached = _inOrder;
            if (cached?.Source != Rules)
            {
                cached = (Rules, [.. Rules.OrderBy(r => r.Priority).ThenBy(r => r.Id, StringComparer.Ordinal)]);
                _inOrder = cached;
            }

            return cached.Value.Ordered;
        }
    }

    private (IReadOnlyList<OutreachRule> Source, IReadOnlyList<OutreachRule> Ordered)? _inOrder;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The playbook shipped with the product.</summary>
    public static Playbook Default { get; } = LoadDefault();

    public static Playbook Parse(string json)
    {
        var playbook = JsonSerializer.Deserialize<Playbook>(json, Json) ?? throw new InvalidDataException("The playbook is empty.");
        playbook.Check();
        return playbook;
    }

    private static Playbook LoadDefault()
    {
        using var stream = typeof(Playbook).Assembly.GetManifestResourceStream("DemandCenter.Journey.Domain.playbook.json")
            ?? throw new InvalidOperationException("The default playbook is not embedded.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>A playbook with an unknown job, action or role would silently do nothing: refuse it at load.</summary>
    private void Check()
    {
        var problems = new List<string>();
        foreach (var (key, jobs) in Evidence)
        {
            problems.AddRange(jobs.Keys.Where(j => BuyingJobs.IndexOf(j) < 0).Select(j => $"evidence '{key}': unknown job '{j}'"));
        }

        foreach (var rule in Rules)
        {
            if (!PromptActions.All.Contains(rule.Action))
            {
                problems.Add($"rule '{rule.Id}': unknown action '{rule.Action}'");
            }

            if (!PromptRoles.All.Contains(rule.Role))
            {
                problems.Add($"rule '{rule.Id}': unknown role '{rule.Role}'");
            }

            if (rule.When?.MinFurthest is { } f && BuyingJobs.IndexOf(f) < 0)
            {
                problems.Add($"rule '{rule.Id}': unknown job '{f}' in minFurthest");
            }

            if (rule.Trigger.Count == 0)
            {
                problems.Add($"rule '{rule.Id}': no trigger");
            }
        }

        if (Rules.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count() != Rules.Count)
        {
            problems.Add("rule ids must be unique");
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException("The playbook is invalid: " + string.Join("; ", problems));
        }
    }
}

public sealed record EngagementSettings(double HalfLifeDays, double MomentumHalfLifeDays, double Scale);

public sealed record FocusSettings(double SwitchRatio, double MinMomentum, double FurthestMinEvidence);

public sealed record ScoreSettings(
    double BreadthPerPerson,
    double BreadthPerChannel,
    double BreadthWindowDays,
    double SurgeWindowDays,
    double SurgeBaselineDays,
    IReadOnlyList<string> UrgencyIntents,
    IReadOnlyDictionary<string, int> UrgencyLateJobs);

public sealed record TopAccountSettings(IReadOnlyList<string> Tiers, double RevenueTopShare);

public sealed record RoutingSettings(string OverflowRole, int MaxEscalations);

public sealed record ForwardEchoSettings(
    int MinObserved,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Prior,
    double PriorDays,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Needs);

/// <summary>
/// A next-best-outreach rule. Evaluated when one of its <see cref="Trigger"/> keys arrives ("*" = any signal,
/// "tick" = the journey clock); fires when every condition in <see cref="When"/> holds and no prompt for the same
/// action is open and the rule is out of its cooldown.
/// </summary>
public sealed record OutreachRule
{
    public required string Id { get; init; }
    public required IReadOnlyList<string> Trigger { get; init; }
    public RuleConditions? When { get; init; }
    public required string Action { get; init; }
    public required string Role { get; init; }
    public int Priority { get; init; } = 3;
    public double DueMinutes { get; init; } = 60;
    public double SlaMinutes { get; init; } = 60;
    public double CooldownHours { get; init; } = 24;

    /// <summary>Speed-to-lead rules go out even while a seller is working the account.</summary>
    public bool BypassSuppression { get; init; }

    /// <summary>One sentence with {placeholders} filled from the evidence (see <see cref="Rules.Placeholders"/>).</summary>
    public required string Reason { get; init; }
}

public sealed record RuleConditions
{
    public SignalWindow? Window { get; init; }
    public IReadOnlyList<string>? FocusJobs { get; init; }
    public string? MinFurthest { get; init; }
    public int? MinUrgency { get; init; }
    public int? MinSurge { get; init; }
    public int? MinEngagement { get; init; }
    public bool? TopAccount { get; init; }

    /// <summary>The account had a signal within this many days.</summary>
    public double? ActiveDays { get; init; }

    /// <summary>No in-person meeting (virtual ones do not count) within this many days.</summary>
    public double? NoInPersonDays { get; init; }

    /// <summary>No progress (furthest job or a forward focus move) for this many days.</summary>
    public double? StalledDays { get; init; }
}

/// <summary>At least <see cref="MinCount"/> signals with one of <see cref="Keys"/> from at least <see cref="MinPeople"/> people within <see cref="Hours"/>.</summary>
public sealed record SignalWindow(IReadOnlyList<string> Keys, double Hours, int MinCount = 1, int MinPeople = 1);
