using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using FsCheck;
using FsCheck.Fluent;
using static DemandCenter.Unit.Tests.Journey.JourneyScenario;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>Properties over random journeys: signals of every kind, the clock, and sellers acting on prompts.</summary>
public sealed class JourneyPropertyTests
{
    private static readonly string[] Categories = ["blog", "product", "case_study", "docs", "security", "integration", "pricing", "comparison", "customers", "other"];
    private static readonly string[] Intents = ["pricing", "security", "timeline", "budget", "competitor"];
    private static readonly string[] Forms = ["contact_sales", "demo_request", "newsletter", "trial_signup"];
    private static readonly string?[] Contacts = [Kim, Raj, Mo, "dee@acme.com", null];
    private static readonly string[] Segments = ["enterprise", "smb"];

    /// <summary>One step of a journey: what happens (0-9), a pick among the options, who, and how long after the previous step.</summary>
    private sealed record Step(int Kind, int Pick, string? Contact, int Minutes);

    private static readonly Gen<Step> StepGen =
        from kind in Gen.Choose(0, 9)
        from pick in Gen.Choose(0, 99)
        from contact in Gen.Elements(Contacts)
        from minutes in Gen.Frequency((3, Gen.Choose(0, 120)), (1, Gen.Choose(120, 60 * 24 * 12)))
        select new Step(kind, pick, contact, minutes);

    private static Arbitrary<(Step[] Steps, int Segment, bool Top)> Journeys =>
        (from steps in StepGen.ArrayOf().Where(a => a.Length is > 0 and <= 40)
         from segment in Gen.Choose(0, 1)
         from top in Gen.Elements(true, false)
         select (steps, segment, top)).ToArbitrary();

    private static string Pick(IReadOnlyList<string> options, int pick) => options[pick % options.Count];

    /// <summary>Turns a step into a command against the scenario as it stands (acting on its oldest prompt, if any).</summary>
    private static JourneyCommand Command(JourneyScenario s, Step step)
    {
        var prompt = s.State.ActivePrompts.OrderBy(p => p.RaisedAt).ThenBy(p => p.PromptId).FirstOrDefault();
        return step.Kind switch
        {
            0 or 1 or 2 => s.Page(Pick(Categories, step.Pick), step.Contact),
            3 => s.Chat(step.Contact, Pick(Intents, step.Pick), Pick(Intents, step.Pick / 10)),
            4 => s.Form(Pick(Forms, step.Pick), step.Contact),
            5 => s.Reply(step.Pick % 2 == 0 ? "positive" : "negative", step.Contact),
            6 => step.Pick % 3 == 0 ? s.Meeting("in_person", Kim, Mo) : s.Meeting("virtual", step.Contact ?? Raj),
            7 => s.Tick(),
            _ when prompt is null => s.Content(Pick(Categories, step.Pick), step.Contact),
            8 => step.Pick % 2 == 0 ? s.Accept(prompt.PromptId, prompt.SellerId) : s.Snooze(prompt.PromptId, prompt.SellerId, s.Now.AddHours(1 + (step.Pick % 24))),
            _ => step.Pick % 2 == 0
                ? s.Complete(prompt.PromptId, prompt.SellerId, Pick(PromptOutcomes.All, step.Pick / 2))
                : s.Dismiss(prompt.PromptId, prompt.SellerId, Pick(DismissReasons.All, step.Pick / 2)),
        };
    }

    /// <summary>Runs a journey, checking <paramref name="invariant"/> after every step; returns the scenario and the commands it decided.</summary>
    private static (JourneyScenario Scenario, List<JourneyCommand> Commands) Run((Step[] Steps, int Segment, bool Top) journey, Action<JourneyScenario, AccountJourney>? invariant = null)
    {
        var s = new JourneyScenario();
        s.Directory = s.Directory with { Segment = Segments[journey.Segment], Tier = journey.Top ? "1" : null };
        var commands = new List<JourneyCommand>();
        foreach (var step in journey.Steps)
        {
            s.Clock.Advance(TimeSpan.FromMinutes(step.Minutes));
            var before = s.State;
            var command = Command(s, step);
            commands.Add(command);
            s.When(command);
            invariant?.Invoke(s, before);
        }

        return (s, commands);
    }

    /// <summary>The run's commands once more from the start, each with a context whose clock reads as when it was first decided.</summary>
    private static IEnumerable<(JourneyCommand Command, JourneyContext Context)> Again((Step[] Steps, int Segment, bool Top) journey, JourneyScenario first, List<JourneyCommand> commands)
    {
        var again = new JourneyScenario { Directory = first.Directory };
        var clock = new FixedTime(Start);
        foreach (var (command, step) in commands.Zip(journey.Steps))
        {
            clock.Advance(TimeSpan.FromMinutes(step.Minutes));
            yield return (command, again.Context with { Time = clock });
        }
    }

    private static void Check(Func<(Step[] Steps, int Segment, bool Top), bool> property, int tests = 150) =>
        Prop.ForAll(Journeys, property).Check(Config.QuickThrowOnFailure.WithMaxTest(tests));

    private static bool InRange(int score) => score is >= 0 and <= 100;

    private static bool InRange(ScoreBreakdown b) =>
        InRange(b.Engagement.Value) && InRange(b.Breadth.Value) && InRange(b.Surge.Value) && InRange(b.Urgency.Value);

    [Fact]
    public void Given_any_journey_Then_every_score_stays_within_0_and_100_now_and_in_the_months_after()
    {
        Check(journey =>
        {
            var scores = new List<ScoreBreakdown>();
            var (s, _) = Run(journey, (s, _) => scores.Add(Scoring.Explain(s.State, s.Now, s.Playbook)));
            foreach (var days in new[] { 1, 7, 30, 90, 365 })
            {
                scores.Add(Scoring.Explain(s.State, s.Now.AddDays(days), s.Playbook));
            }

            return scores.All(InRange) && s.Raised<PromptRaised>().All(p => p.Scores is { } x && InRange(x.Engagement) && InRange(x.Breadth) && InRange(x.Surge) && InRange(x.Urgency));
        });
    }

    [Fact]
    public void Given_any_journey_When_its_events_are_replayed_from_the_start_Then_the_state_equals_the_live_state()
    {
        Check(journey =>
        {
            var (live, _) = Run(journey);

            var replayed = live.History.Aggregate(AccountJourney.Empty(AccountId), JourneyDecider.Evolve);

            return replayed.Version == live.History.Count && Json(replayed) == Json(live.State);
        });
    }

    [Fact]
    public void Given_any_journey_When_the_same_commands_are_decided_again_from_the_start_Then_the_same_events_with_the_same_ids_come_out()
    {
        Check(journey =>
        {
            var (first, commands) = Run(journey);
            var state = AccountJourney.Empty(AccountId);
            var events = new List<JourneyEvent>();
            foreach (var (command, context) in Again(journey, first, commands))
            {
                var decided = JourneyDecider.Decide(command, state, context);
                events.AddRange(decided);
                state = decided.Aggregate(state, JourneyDecider.Evolve);
            }

            return events.Select(e => e.EventId).SequenceEqual(first.History.Select(e => e.EventId))
                && events.Select(e => e.EventId).Distinct().Count() == events.Count
                && Json(state) == Json(first.State);
        }, tests: 80);
    }

    [Fact]
    public void Given_any_journey_When_deciding_and_evolving_at_once_Then_the_events_and_state_equal_deciding_then_folding()
    {
        Check(journey =>
        {
            var (first, commands) = Run(journey);
            var state = AccountJourney.Empty(AccountId);
            foreach (var (command, context) in Again(journey, first, commands))
            {
                var (events, after) = JourneyDecider.DecideAndEvolve(command, state, context);
                var decided = JourneyDecider.Decide(command, state, context);
                var folded = decided.Aggregate(state, JourneyDecider.Evolve);
                if (!events.Select(e => e.EventId).SequenceEqual(decided.Select(e => e.EventId)) || after.Version != folded.Version || Json(after) != Json(folded))
                {
                    return false;
                }

                state = after;
            }

            return Json(state) == Json(first.State);
        }, tests: 80);
    }

    [Fact]
    public void Given_any_journey_Then_no_account_ever_has_two_active_prompts_for_one_action()
    {
        Check(journey =>
        {
            var ok = true;
            Run(journey, (s, _) => ok &= s.State.ActivePrompts.GroupBy(p => p.Action).All(g => g.Count() == 1));
            return ok;
        });
    }

    [Fact]
    public void Given_any_journey_Then_the_furthest_job_never_moves_back_and_engagement_never_grows_without_new_evidence()
    {
        Check(journey =>
        {
            var ok = true;
            Run(journey, (s, before) =>
            {
                ok &= BuyingJobs.IndexOf(s.State.FurthestJob) >= BuyingJobs.IndexOf(before.FurthestJob);
                var later = Enumerable.Range(1, 4).Select(weeks => Scoring.Explain(s.State, s.Now.AddDays(7 * weeks), s.Playbook).Engagement.Value).ToList();
                ok &= later.Zip(later.Skip(1)).All(p => p.Second <= p.First);
            });
            return ok;
        });
    }

    [Fact]
    public void Given_any_transactional_journey_Then_no_seller_is_ever_prompted()
    {
        Check(journey =>
        {
            var (s, _) = Run(journey with { Segment = 1 });
            return !s.Raised<PromptRaised>().Any();
        });
    }

    private static string Json(AccountJourney state) => JsonSerializer.Serialize(state);
}
