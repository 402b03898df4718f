using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using DemandCenter.Journey.Domain.Playbooks;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>
/// Given/When for one account's journey: commands are decided against the current state with a context built from
/// the scenario's directory, team and fake clock, and the resulting events are folded into the state.
/// </summary>
internal sealed class JourneyScenario
{
    public const string AccountId = "acme.com";
    public const string Kim = "kim.lee@acme.com";
    public const string Raj = "raj.patel@acme.com";
    public const string Mo = "mo.chen@acme.com";
    public const string Ana = "ana";
    public const string Bo = "bo";
    public const string Quinn = "quinn";
    public const string Pia = "pia";
    public const string Pat = "pat";
    public const string Sol = "sol";

    /// <summary>Monday 23 November 2026, 10:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private int _ids;

    public FixedTime Clock { get; } = new(Start);

    public AccountJourney State { get; private set; } = AccountJourney.Empty(AccountId);

    public List<JourneyEvent> History { get; } = [];

    public AccountProfile Directory { get; set; } = new(AccountId, "Acme", Ana, "emea", "enterprise");

    public Playbook Playbook { get; set; } = Playbook.Default;

    public Team Team { get; set; } = new(
    [
        new TeamMember(Ana, PromptRoles.Owner, 10, "emea"),
        new TeamMember(Bo, PromptRoles.Owner, 10, "amer"),
        new TeamMember(Quinn, PromptRoles.Qualification, 10, "emea"),
        new TeamMember(Pia, PromptRoles.Pricing, 5, "emea"),
        new TeamMember(Pat, PromptRoles.Pricing, 5, "amer"),
        new TeamMember(Sol, PromptRoles.Solutions, 5, "emea"),
    ], new Dictionary<string, int>());

    public TransitionModel Transitions { get; set; } = TransitionModel.Empty;

    public decimal? TopRevenueThreshold { get; set; }

    public JourneyContext Context => new(Directory, Playbook, Team, Transitions, TopRevenueThreshold, Clock);

    public DateTimeOffset Now => Clock.Now;

    /// <summary>Decides the command now, folds its events into the state and returns them.</summary>
    public IReadOnlyList<JourneyEvent> When(JourneyCommand command)
    {
        var events = JourneyDecider.Decide(command, State, Context);
        foreach (var e in events)
        {
            State = JourneyDecider.Evolve(State, e);
        }

        History.AddRange(events);
        return events;
    }

    /// <summary>Each command in turn, a minute apart (so that their signals have distinct times).</summary>
    public JourneyScenario Given(params Func<JourneyScenario, JourneyCommand>[] commands)
    {
        foreach (var command in commands)
        {
            When(command(this));
            Clock.Advance(TimeSpan.FromMinutes(1));
        }

        return this;
    }

    public JourneyScenario After(TimeSpan elapsed)
    {
        Clock.Advance(elapsed);
        return this;
    }

    public Guid NextId() => new(++_ids, 0, 0, [0, 0, 0, 0, 0, 0, 0, 0]);

    public RecordSignal Signal(string type, string channel, string? contact, string? category = null) =>
        new(AccountId, NextId(), type, channel, Now, contact, category is null ? null : "https://vendor.example/" + category, category);

    public RecordSignal Page(string category, string? contact = Kim) => Signal(SignalTypes.PageViewed, "web", contact, category);

    public RecordSignal Content(string category, string? contact = Kim) => Signal(SignalTypes.ContentDownloaded, "web", contact, category);

    public RecordSignal Form(string kind, string? contact = Kim) => Signal(SignalTypes.FormSubmitted, "web", contact) with { FormKind = kind };

    public RecordSignal Chat(string? contact, params string[] intents) => Signal(SignalTypes.ChatMessagePosted, "chat", contact) with { Intents = intents };

    public RecordSignal Reply(string kind, string? contact = Kim) => Signal(SignalTypes.EmailReplied, "email", contact) with { ReplyKind = kind };

    public RecordSignal Meeting(string mode, params string[] attendees) =>
        Signal(SignalTypes.MeetingHeld, SignalTypes.ChannelOf(SignalTypes.MeetingHeld), attendees.FirstOrDefault()) with { MeetingMode = mode, Attendees = attendees };

    public RecordSignal Crm(ProfileOverrides profile) => Signal(SignalTypes.CrmAccountUpdated, "crm", null) with { Profile = profile };

    public Tick Tick() => new(AccountId, NextId());

    public ActOnPrompt Act(string kind, Guid promptId, string actor, bool byOrchestrator = false) => new(AccountId, NextId(), kind, promptId, actor, byOrchestrator);

    public ActOnPrompt Accept(Guid promptId, string actor) => Act(JourneyCommandKinds.Accept, promptId, actor);

    public ActOnPrompt Snooze(Guid promptId, string actor, DateTimeOffset? until) => Act(JourneyCommandKinds.Snooze, promptId, actor) with { Until = until };

    public ActOnPrompt Dismiss(Guid promptId, string actor, string? reason) => Act(JourneyCommandKinds.Dismiss, promptId, actor) with { Reason = reason };

    public ActOnPrompt Complete(Guid promptId, string actor, string? outcome) => Act(JourneyCommandKinds.Complete, promptId, actor) with { Outcome = outcome };

    /// <summary>The one active prompt for an action.</summary>
    public PromptState Prompt(string action) => State.ActivePrompts.Where(p => p.Action == action).ShouldHaveSingleItem($"one active {action} prompt expected");

    public IEnumerable<T> Raised<T>()
        where T : JourneyEvent => History.OfType<T>();
}

internal static class JourneyAssertions
{
    public static PromptRaised ShouldRaise(this IEnumerable<JourneyEvent> events, string ruleId) =>
        events.OfType<PromptRaised>().Where(p => p.RuleId == ruleId).ShouldHaveSingleItem($"one prompt from {ruleId} expected");

    /// <summary>Who is asked to do what, and why.</summary>
    public static PromptRaised ShouldAsk(this PromptRaised raised, string sellerId, string action, string reason)
    {
        raised.ShouldSatisfyAllConditions(
            () => raised.SellerId.ShouldBe(sellerId),
            () => raised.Action.ShouldBe(action),
            () => raised.Reason.ShouldBe(reason));
        return raised;
    }

    public static void ShouldNotRaise(this IEnumerable<JourneyEvent> events, string ruleId) =>
        events.OfType<PromptRaised>().Select(p => p.RuleId).ShouldNotContain(ruleId);

    public static void ShouldRaiseNoPrompt(this IEnumerable<JourneyEvent> events) =>
        events.OfType<PromptRaised>().Select(p => p.RuleId).ShouldBeEmpty();

    public static T ShouldHaveOne<T>(this IEnumerable<JourneyEvent> events)
        where T : JourneyEvent => events.OfType<T>().ShouldHaveSingleItem($"one {typeof(T).Name} expected");
}
