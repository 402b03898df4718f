using DemandCenter.Contracts;

namespace DemandCenter.Host.Simulator;

/// <summary>One step of a scripted journey: a signal from one of the account's people, optionally backdated (history).</summary>
public sealed record ScriptStep(string Type, int Person, object? Detail = null, double DaysAgo = 0);

/// <summary>
/// Scripted buying journeys that between them exercise every playbook rule: nonlinear enterprise journeys (back to
/// requirements after pricing), speed-to-lead forms and replies, transactional accounts (automated nurture), a top
/// account without an in-person meeting, a surge against a quiet baseline, new buying-group members, and a journey
/// that stalled at a late job weeks ago (history is backdated within the collector's 30-day window).
/// </summary>
public static class JourneyScripts
{
    private static ScriptStep Page(string path, int person, double daysAgo = 0) => new(SignalTypes.PageViewed, person, path, daysAgo);

    private static ScriptStep Chat(int person, params string[] intents) => new(SignalTypes.ChatMessagePosted, person, intents);

    private static ScriptStep Form(string kind, int person) => new(SignalTypes.FormSubmitted, person, kind);

    public static readonly IReadOnlyList<ScriptStep> Enterprise =
    [
        Page("/blog/why-real-time-intent", 0, 20), Page("/product", 0, 19),
        Page("/blog/buying-groups", 0), Page("/product", 0), new(SignalTypes.ContentDownloaded, 1, "case_study"),
        Page("/docs/getting-started", 1), Chat(1, "security", "integration"), Page("/security", 2),
        Page("/pricing", 0), Page("/pricing", 2), Chat(0, "pricing", "competitor"),
        Page("/docs/api", 1), Page("/integrations/salesforce", 1), // back to requirements: buyers revisit
        Page("/customers/northwind", 3), new(SignalTypes.EmailReplied, 0, "positive"),
        new(SignalTypes.MeetingHeld, 0, "virtual"), Page("/blog/consensus", 4), Page("/pricing", 5),
        Chat(0, "timeline", "budget"), new(SignalTypes.MeetingHeld, 0, "in_person"),
    ];

    public static readonly IReadOnlyList<ScriptStep> SpeedToLead =
    [
        Page("/product", 0), Page("/solutions/revenue-teams", 0), Form("demo_request", 0),
        new(SignalTypes.EmailClicked, 1), Page("/product", 1), Page("/case-studies/contoso", 2), Page("/pricing", 1), Form("contact_sales", 1),
    ];

    public static readonly IReadOnlyList<ScriptStep> Transactional =
    [
        Page("/pricing", 0), Page("/trial", 0), Page("/pricing", 0), Form("contact_sales", 0), Page("/docs/getting-started", 0),
    ];

    public static readonly IReadOnlyList<ScriptStep> Surge =
    [
        Page("/blog/why-real-time-intent", 0, 25), Page("/product", 1, 18),
        Page("/pricing", 0), Page("/compare/legacy-intent", 1), Page("/pricing", 2), Chat(2, "pricing", "timeline"), Page("/trial", 0),
        Page("/customers/northwind", 3), Chat(0, "budget"),
    ];

    /// <summary>All backdated: reaches validation two weeks ago and goes quiet, so the clock's stalled rule nudges the owner.</summary>
    public static readonly IReadOnlyList<ScriptStep> Stalled =
    [
        Page("/product", 0, 16), Page("/pricing", 0, 15), Page("/pricing", 1, 15), Page("/customers/northwind", 1, 14),
        new(SignalTypes.ContentDownloaded, 0, "customers", 14), Page("/blog/x", 0, 13),
    ];

    public static IReadOnlyList<ScriptStep> For(RosterAccount account, int index) => account switch
    {
        { Segment: "smb" } => Transactional,
        { Tier: "1" } => Enterprise,
        _ when index % 7 == 3 => Stalled,
        _ when index % 2 == 0 => Surge,
        _ => SpeedToLead,
    };
}
