namespace DemandCenter.Journey.Domain;

/// <summary>
/// The first recommendation rules: a page category that signals buying intent raises a prompt for the account
/// owner. Configurable; the full playbook (buying jobs, scores, specialist pools) grows from here.
/// </summary>
public sealed record Playbook(IReadOnlyDictionary<string, PageRule> PageRules, TimeSpan Cooldown)
{
    /// <summary>Buying job a page category is evidence for (Gartner's six jobs).</summary>
    public static readonly IReadOnlyDictionary<string, string> JobOfCategory = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["blog"] = "problem_identification",
        ["product"] = "solution_exploration",
        ["solution"] = "solution_exploration",
        ["case_study"] = "solution_exploration",
        ["docs"] = "requirements_building",
        ["integration"] = "requirements_building",
        ["security"] = "requirements_building",
        ["pricing"] = "supplier_selection",
        ["comparison"] = "supplier_selection",
        ["trial"] = "supplier_selection",
        ["customers"] = "validation",
    };

    public static Playbook Default { get; } = new(
        new Dictionary<string, PageRule>(StringComparer.Ordinal)
        {
            ["pricing"] = new("pricing_consult", Priority: 2, Due: TimeSpan.FromHours(1), "viewed the pricing page"),
            ["security"] = new("security_review", Priority: 3, Due: TimeSpan.FromHours(4), "read the security pages"),
        },
        Cooldown: TimeSpan.FromMinutes(30));
}

public sealed record PageRule(string Action, int Priority, TimeSpan Due, string Phrase);
