using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using static DemandCenter.Unit.Tests.Journey.JourneyScenario;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>Accept, snooze, dismiss and complete: who may, with which reasons and outcomes, and what each leaves behind.</summary>
public sealed class PromptLifecycleTests
{
    private readonly JourneyScenario _s = new();
    private readonly PromptRaised _call;

    public PromptLifecycleTests()
    {
        _call = _s.When(_s.Reply("positive")).ShouldRaise("speed_to_lead_reply");
        _s.After(TimeSpan.FromMinutes(2));
    }

    private string Refusal(JourneyCommand command)
    {
        var before = _s.State;
        var refused = _s.When(command).ShouldHaveOne<PromptActionRefused>();
        _s.State.ShouldBe(before with { Version = before.Version + 1 }, "a refusal changes nothing but the version");
        return refused.Why;
    }

    [Fact]
    public void Given_an_open_call_When_the_owner_accepts_Then_it_is_theirs_and_the_account_is_held_for_their_working_window()
    {
        var accepted = _s.When(_s.Accept(_call.PromptId, Ana)).ShouldHaveOne<PromptAccepted>();

        accepted.WorkingUntil.ShouldBe(_s.Now.AddHours(48));
        _s.Prompt(PromptActions.Call).Status.ShouldBe(PromptStatus.Accepted);
        _s.State.WorkingUntil.ShouldBe(_s.Now.AddHours(48));
    }

    [Fact]
    public void Given_an_accepted_call_When_it_is_accepted_again_Then_that_is_refused()
    {
        _s.When(_s.Accept(_call.PromptId, Ana));

        Refusal(_s.Accept(_call.PromptId, Ana)).ShouldBe("The prompt is already accepted.");
    }

    [Theory]
    [InlineData(JourneyCommandKinds.Accept)]
    [InlineData(JourneyCommandKinds.Dismiss)]
    [InlineData(JourneyCommandKinds.Complete)]
    public void Given_the_owner_s_call_When_another_seller_acts_on_it_Then_it_is_refused(string kind)
    {
        var act = _s.Act(kind, _call.PromptId, Bo) with { Reason = "duplicate", Outcome = PromptOutcomes.Connected };

        Refusal(act).ShouldBe("The prompt belongs to another seller.");
    }

    [Fact]
    public void Given_the_owner_s_call_When_an_orchestrator_dismisses_it_Then_it_is_dismissed()
    {
        _s.When(_s.Act(JourneyCommandKinds.Dismiss, _call.PromptId, "lead", byOrchestrator: true) with { Reason = "duplicate" }).ShouldHaveOne<PromptDismissed>().By.ShouldBe("lead");

        _s.State.Prompts.ShouldNotContainKey(_call.PromptId);
    }

    [Fact]
    public void Given_a_consult_waiting_in_the_pricing_pool_When_a_pricing_specialist_accepts_Then_it_becomes_theirs_and_others_are_refused()
    {
        _s.Team = _s.Team with { Load = new Dictionary<string, int> { [Pia] = 5, [Pat] = 5 } };
        var consult = _s.When(_s.Page("pricing")).Concat(_s.When(_s.Page("pricing"))).ShouldRaise("pricing_interest");
        consult.SellerId.ShouldBe("pool:pricing");

        Refusal(_s.Accept(consult.PromptId, Sol)).ShouldBe("The prompt belongs to another seller.");
        _s.When(_s.Accept(consult.PromptId, Pat)).ShouldHaveOne<PromptAccepted>();

        _s.Prompt(PromptActions.PricingConsult).SellerId.ShouldBe(Pat);
        Refusal(_s.Dismiss(consult.PromptId, Pia, "duplicate")).ShouldBe("The prompt belongs to another seller.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(-1)]
    [InlineData(0)]
    public void Given_an_open_call_When_it_is_snoozed_without_a_future_time_Then_that_is_refused(int? minutesFromNow)
    {
        var until = minutesFromNow is { } m ? _s.Now.AddMinutes(m) : (DateTimeOffset?)null;

        Refusal(_s.Snooze(_call.PromptId, Ana, until)).ShouldBe("A snooze needs a time in the future.");
    }

    [Fact]
    public void Given_a_snoozed_call_When_the_clock_passes_the_snooze_Then_it_is_open_again_and_was_not_escalated_meanwhile()
    {
        var until = _s.Now.AddHours(2);
        _s.When(_s.Snooze(_call.PromptId, Ana, until)).ShouldHaveOne<PromptSnoozed>().Until.ShouldBe(until);
        _s.Prompt(PromptActions.Call).Status.ShouldBe(PromptStatus.Snoozed);
        JourneyDecider.NextCheck(_s.State, _s.Context).ShouldBe(until);

        _s.After(TimeSpan.FromHours(1)).When(_s.Tick()).ShouldBeEmpty();
        var ended = _s.After(TimeSpan.FromHours(1)).When(_s.Tick());

        ended.ShouldHaveOne<PromptSnoozeEnded>().PromptId.ShouldBe(_call.PromptId);
        ended.OfType<PromptReassigned>().ShouldBeEmpty();
        _s.Prompt(PromptActions.Call).ShouldSatisfyAllConditions(p => p.Status.ShouldBe(PromptStatus.Open), p => p.SnoozedUntil.ShouldBeNull(), p => p.SellerId.ShouldBe(Ana));
    }

    [Fact]
    public void Given_a_snooze_past_the_call_s_SLA_When_it_ends_Then_the_SLA_restarts_and_the_call_is_escalated_only_when_that_runs_out()
    {
        var sla = _call.SlaBy - _call.At;
        var until = _call.SlaBy.AddHours(3);
        _s.When(_s.Snooze(_call.PromptId, Ana, until));
        _s.After(until - _s.Now).When(_s.Tick()).ShouldHaveOne<PromptSnoozeEnded>().SlaBy.ShouldBe(until + sla);
        _s.Prompt(PromptActions.Call).SlaBy.ShouldBe(until + sla);

        _s.After(sla / 2).When(_s.Tick()).OfType<PromptReassigned>().ShouldBeEmpty();
        _s.Prompt(PromptActions.Call).SellerId.ShouldBe(Ana);
        _s.After(sla / 2).When(_s.Tick()).ShouldHaveOne<PromptReassigned>().Why.ShouldBe(ReassignReasons.Sla);
    }

    [Fact]
    public void Given_a_snooze_ended_before_the_SLA_restarted_When_it_is_replayed_Then_the_old_window_stands()
    {
        var until = _s.Now.AddHours(2);
        _s.When(_s.Snooze(_call.PromptId, Ana, until));

        var replayed = JourneyDecider.Evolve(_s.State, new PromptSnoozeEnded(_s.State.AccountId, until, Guid.NewGuid(), _call.PromptId));

        replayed.Prompts[_call.PromptId].SlaBy.ShouldBe(_call.SlaBy);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too_busy")]
    public void Given_an_open_call_When_it_is_dismissed_without_a_listed_reason_Then_that_is_refused(string? reason)
    {
        Refusal(_s.Dismiss(_call.PromptId, Ana, reason)).ShouldBe("A dismissal needs one of the listed reasons.");
    }

    [Fact]
    public void Given_open_calls_When_each_is_dismissed_with_a_listed_reason_Then_it_leaves_the_state_and_the_reason_is_kept()
    {
        foreach (var reason in DismissReasons.All)
        {
            var scenario = new JourneyScenario();
            var call = scenario.When(scenario.Form("contact_sales")).ShouldRaise("speed_to_lead_form");

            scenario.When(scenario.Dismiss(call.PromptId, Ana, reason)).ShouldHaveOne<PromptDismissed>().Reason.ShouldBe(reason);

            scenario.State.ActivePrompts.ShouldBeEmpty();
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("left_voicemail")]
    public void Given_an_open_call_When_it_is_completed_without_a_listed_outcome_Then_that_is_refused(string? outcome)
    {
        Refusal(_s.Complete(_call.PromptId, Ana, outcome)).ShouldBe("A completion needs one of the listed outcomes.");
    }

    [Theory]
    [InlineData(PromptOutcomes.Connected, true)]
    [InlineData(PromptOutcomes.MeetingBooked, true)]
    [InlineData(PromptOutcomes.NoAnswer, false)]
    [InlineData(PromptOutcomes.NotInterested, false)]
    public void Given_an_accepted_call_When_it_is_completed_Then_only_reaching_the_buyer_means_the_seller_is_working_the_account(string outcome, bool working)
    {
        _s.Given(s => s.Accept(_call.PromptId, Ana));
        _s.After(TimeSpan.FromDays(3));

        var completed = _s.When(_s.Complete(_call.PromptId, Ana, outcome)).ShouldHaveOne<PromptCompleted>();

        (completed.Outcome, completed.Action, completed.FocusJob, completed.ContactId).ShouldBe((outcome, PromptActions.Call, BuyingJobs.Validation, Kim));
        completed.WorkingUntil.ShouldBe(working ? _s.Now.AddHours(48) : null);
        _s.State.ActivePrompts.ShouldBeEmpty();
        (_s.State.WorkingUntil > _s.Now).ShouldBe(working);
    }

    [Fact]
    public void Given_a_completed_call_When_it_is_acted_on_again_Then_it_is_refused_as_not_open()
    {
        _s.When(_s.Complete(_call.PromptId, Ana, PromptOutcomes.NoAnswer));

        Refusal(_s.Accept(_call.PromptId, Ana)).ShouldBe("The prompt is not open (unknown, completed or dismissed).");
    }

    [Fact]
    public void Given_an_open_call_When_an_unknown_action_is_sent_Then_it_is_refused_by_name()
    {
        Refusal(_s.Act("escalate", _call.PromptId, Ana)).ShouldBe("Unknown action 'escalate'.");
    }

    [Fact]
    public void Given_a_completed_call_When_another_positive_reply_comes_after_the_cooldown_Then_a_new_call_is_raised()
    {
        _s.When(_s.Complete(_call.PromptId, Ana, PromptOutcomes.NoAnswer));

        _s.After(TimeSpan.FromHours(12)).When(_s.Reply("positive")).ShouldRaise("speed_to_lead_reply").PromptId.ShouldNotBe(_call.PromptId);
    }

    [Fact]
    public void Given_an_open_call_Then_the_clock_next_checks_at_its_sla()
    {
        JourneyDecider.NextCheck(_s.State, _s.Context).ShouldBe(_call.SlaBy);
    }

    [Fact]
    public void Given_an_account_without_signals_or_prompts_Then_the_clock_has_nothing_to_do()
    {
        JourneyDecider.NextCheck(AccountJourney.Empty(AccountId), _s.Context).ShouldBeNull();
    }
}
