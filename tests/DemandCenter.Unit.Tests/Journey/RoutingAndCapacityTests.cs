using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using static DemandCenter.Unit.Tests.Journey.JourneyScenario;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>Owner versus specialist pools, capacity and overflow, SLA escalation on the clock, and reassignment.</summary>
public sealed class RoutingAndCapacityTests
{
    private readonly JourneyScenario _s = new();

    private void Load(params (string Seller, int Prompts)[] load) =>
        _s.Team = _s.Team with { Load = load.ToDictionary(l => l.Seller, l => l.Prompts) };

    private void AddSellers(params TeamMember[] members) => _s.Team = _s.Team with { Members = [.. _s.Team.Members, .. members] };

    private PromptRaised PricingConsult() => _s.When(_s.Page("pricing")).Concat(_s.When(_s.Page("comparison"))).ShouldRaise("pricing_interest");

    private PromptRaised SalesCall() => _s.When(_s.Form("contact_sales")).ShouldRaise("speed_to_lead_form");

    [Fact]
    public void Given_the_owner_is_at_capacity_When_a_sales_form_arrives_Then_the_call_overflows_to_qualification_visibly_marked()
    {
        Load((Ana, 10));

        var raised = SalesCall();

        (raised.SellerId, raised.Role, raised.Overflow).ShouldBe((Quinn, PromptRoles.Qualification, true));
    }

    [Fact]
    public void Given_the_owner_and_qualification_are_full_When_a_sales_form_arrives_Then_the_call_waits_in_the_qualification_pool_feed()
    {
        Load((Ana, 10), (Quinn, 10));

        var raised = SalesCall();

        (raised.SellerId, raised.Overflow).ShouldBe(("pool:qualification", true));
    }

    [Fact]
    public void Given_an_owner_who_is_not_on_the_team_roster_Then_the_prompt_still_goes_to_them()
    {
        _s.Directory = _s.Directory with { OwnerSellerId = "zoe" };

        SalesCall().SellerId.ShouldBe("zoe");
    }

    [Fact]
    public void Given_an_account_without_an_owner_Then_owner_prompts_go_to_the_qualification_pool_without_overflow()
    {
        _s.Directory = _s.Directory with { OwnerSellerId = null };

        var raised = SalesCall();

        (raised.SellerId, raised.Role, raised.Overflow).ShouldBe((Quinn, PromptRoles.Qualification, false));
    }

    [Theory]
    [InlineData("emea", Pia)]
    [InlineData("amer", Pat)]
    public void Given_pricing_specialists_in_two_territories_Then_the_consult_goes_to_the_one_in_the_account_territory(string territory, string expected)
    {
        _s.Directory = _s.Directory with { Territory = territory };

        PricingConsult().SellerId.ShouldBe(expected);
    }

    [Fact]
    public void Given_two_specialists_in_the_territory_Then_the_less_loaded_one_gets_the_consult()
    {
        AddSellers(new TeamMember("pim", PromptRoles.Pricing, 5, "emea"));
        Load((Pia, 3), ("pim", 1));

        PricingConsult().SellerId.ShouldBe("pim");
    }

    [Fact]
    public void Given_the_territory_specialist_is_full_Then_another_territory_takes_the_consult_without_overflow()
    {
        Load((Pia, 5));

        var raised = PricingConsult();

        (raised.SellerId, raised.Overflow).ShouldBe((Pat, false));
    }

    [Fact]
    public void Given_every_pricing_specialist_is_full_Then_the_consult_waits_in_the_pricing_pool_marked_overflow()
    {
        Load((Pia, 5), (Pat, 5));

        var raised = PricingConsult();

        (raised.SellerId, raised.Role, raised.Overflow).ShouldBe(("pool:pricing", PromptRoles.Pricing, true));
    }

    [Fact]
    public void Given_no_pricing_specialists_at_all_Then_the_consult_waits_in_the_pool_without_overflow()
    {
        _s.Team = _s.Team with { Members = [.. _s.Team.Members.Where(m => m.Specialty != PromptRoles.Pricing)] };

        var raised = PricingConsult();

        (raised.SellerId, raised.Overflow).ShouldBe(("pool:pricing", false));
    }

    [Fact]
    public void Given_the_owner_has_room_for_one_more_When_one_signal_raises_two_owner_prompts_Then_the_second_overflows()
    {
        _s.Directory = _s.Directory with { Tier = "1" };
        Load((Ana, 9));

        var events = _s.When(_s.Form("contact_sales"));

        var call = events.ShouldRaise("speed_to_lead_form");
        var meeting = events.ShouldRaise("top_account_in_person");
        (call.SellerId, call.Overflow).ShouldBe((Ana, false));
        (meeting.SellerId, meeting.Overflow).ShouldBe((Quinn, true));
    }

    [Fact]
    public void Given_an_open_call_When_the_clock_ticks_before_its_sla_Then_it_stays_with_the_owner()
    {
        SalesCall();

        _s.After(TimeSpan.FromMinutes(9)).When(_s.Tick()).OfType<PromptReassigned>().ShouldBeEmpty();
    }

    [Fact]
    public void Given_a_call_nobody_accepted_within_its_sla_When_the_clock_ticks_Then_it_is_rerouted_to_qualification_with_a_fresh_sla()
    {
        var call = SalesCall();

        var moved = _s.After(TimeSpan.FromMinutes(10)).When(_s.Tick()).ShouldHaveOne<PromptReassigned>();

        moved.ShouldBe(new PromptReassigned(AccountId, _s.Now, moved.CommandId, call.PromptId, Ana, Quinn, ReassignReasons.Sla, _s.Now.AddMinutes(10)));
        _s.Prompt(PromptActions.Call).SellerId.ShouldBe(Quinn);
        _s.Prompt(PromptActions.Call).Escalations.ShouldBe(1);
    }

    [Fact]
    public void Given_a_call_escalated_once_When_the_next_holder_lets_the_sla_pass_Then_it_moves_again_with_the_same_sla_and_then_stops()
    {
        AddSellers(new TeamMember("quincy", PromptRoles.Qualification, 10, "emea"));
        SalesCall();
        _s.After(TimeSpan.FromMinutes(10)).When(_s.Tick());

        var second = _s.After(TimeSpan.FromMinutes(10)).When(_s.Tick()).ShouldHaveOne<PromptReassigned>();

        (second.From, second.To, second.SlaBy).ShouldBe(("quincy", Quinn, _s.Now.AddMinutes(10)));
        _s.Prompt(PromptActions.Call).Escalations.ShouldBe(2);
        JourneyDecider.NextCheck(_s.State, _s.Context).ShouldNotBe(_s.Prompt(PromptActions.Call).SlaBy, "no further escalation is scheduled");
        _s.After(TimeSpan.FromHours(1)).When(_s.Tick()).OfType<PromptReassigned>().ShouldBeEmpty();
    }

    [Fact]
    public void Given_the_clock_was_late_When_a_call_is_escalated_twice_Then_each_holder_still_gets_the_rule_sla()
    {
        AddSellers(new TeamMember("quincy", PromptRoles.Qualification, 10, "emea"));
        SalesCall();
        _s.After(TimeSpan.FromHours(3)).When(_s.Tick());
        _s.Prompt(PromptActions.Call).SlaBy.ShouldBe(_s.Now.AddMinutes(10));

        _s.After(TimeSpan.FromHours(3)).When(_s.Tick());

        _s.Prompt(PromptActions.Call).SlaBy.ShouldBe(_s.Now.AddMinutes(10));
    }

    [Fact]
    public void Given_an_accepted_call_When_its_sla_passes_Then_it_is_not_rerouted()
    {
        var call = SalesCall();
        _s.When(_s.Accept(call.PromptId, Ana));

        _s.After(TimeSpan.FromHours(1)).When(_s.Tick()).OfType<PromptReassigned>().ShouldBeEmpty();
    }

    [Fact]
    public void Given_a_consult_waiting_in_the_pricing_pool_When_a_specialist_frees_up_and_the_sla_passes_Then_the_clock_hands_it_to_them()
    {
        Load((Pia, 5), (Pat, 5));
        var waiting = PricingConsult();
        Load((Pia, 4), (Pat, 5));

        var moved = _s.After(TimeSpan.FromMinutes(30)).When(_s.Tick()).ShouldHaveOne<PromptReassigned>();

        (moved.PromptId, moved.From, moved.To).ShouldBe((waiting.PromptId, "pool:pricing", Pia));
    }

    [Fact]
    public void Given_a_consult_waiting_in_the_pool_When_everyone_is_still_full_Then_it_keeps_waiting_and_is_not_counted_as_escalated()
    {
        Load((Pia, 5), (Pat, 5));
        PricingConsult();

        _s.After(TimeSpan.FromMinutes(30)).When(_s.Tick()).OfType<PromptReassigned>().ShouldBeEmpty();
        _s.Prompt(PromptActions.PricingConsult).Escalations.ShouldBe(0);
        // It waits, and the clock looks again a minute later rather than at every tick (its SLA stays in the past).
        JourneyDecider.NextCheck(_s.State, _s.Context, tickedAt: _s.Now).ShouldBe(_s.Now.AddMinutes(1));
    }

    [Fact]
    public void Given_a_consult_left_waiting_by_the_clock_When_a_signal_follows_Then_the_clock_still_looks_again_only_a_minute_after_its_tick()
    {
        Load((Pia, 5), (Pat, 5));
        PricingConsult();
        _s.After(TimeSpan.FromMinutes(30)).When(_s.Tick());
        var tickedAt = _s.Now;

        _s.After(TimeSpan.FromSeconds(20)).When(_s.Page("blog"));

        JourneyDecider.NextCheck(_s.State, _s.Context, tickedAt).ShouldBe(tickedAt.AddMinutes(1));
    }

    [Fact]
    public void Given_a_call_s_sla_ran_out_When_a_signal_is_decided_before_the_clock_ticks_Then_the_check_stays_due()
    {
        var call = SalesCall();

        _s.After(TimeSpan.FromMinutes(12)).When(_s.Page("blog"));

        // Only a tick escalates: a signal's decision must not push the SLA's check on.
        JourneyDecider.NextCheck(_s.State, _s.Context).ShouldBe(call.SlaBy);
    }

    [Fact]
    public void Given_an_open_call_When_an_orchestrator_reassigns_it_Then_it_moves_keeping_its_sla()
    {
        var call = SalesCall();

        var moved = _s.When(new ReassignPrompt(AccountId, _s.NextId(), call.PromptId, Bo, "lead")).ShouldHaveOne<PromptReassigned>();

        (moved.From, moved.To, moved.Why, moved.SlaBy).ShouldBe((Ana, Bo, ReassignReasons.Orchestrator, call.SlaBy));
        _s.Prompt(PromptActions.Call).Escalations.ShouldBe(0);
    }

    [Theory]
    [InlineData("nobody", "'nobody' is not a seller.")]
    [InlineData(Ana, "The prompt is already with that seller.")]
    public void Given_an_open_call_When_it_is_reassigned_to_a_non_seller_or_its_own_seller_Then_the_move_is_refused(string to, string why)
    {
        var call = SalesCall();

        _s.When(new ReassignPrompt(AccountId, _s.NextId(), call.PromptId, to, "lead")).ShouldHaveOne<PromptActionRefused>().Why.ShouldBe(why);
        _s.Prompt(PromptActions.Call).SellerId.ShouldBe(Ana);
    }

    [Fact]
    public void Given_no_such_prompt_When_it_is_reassigned_Then_the_move_is_refused()
    {
        _s.When(new ReassignPrompt(AccountId, _s.NextId(), Guid.NewGuid(), Bo, "lead")).ShouldHaveOne<PromptActionRefused>().Why.ShouldBe("The prompt is not open.");
    }

    [Fact]
    public void Given_owner_and_specialist_prompts_When_the_account_is_reassigned_Then_the_owner_work_moves_and_the_specialist_work_stays()
    {
        var call = SalesCall();
        var consult = PricingConsult();

        var events = _s.When(new ReassignAccount(AccountId, _s.NextId(), Bo, "lead"));

        var changed = events.ShouldHaveOne<AccountOwnerChanged>();
        (changed.From, changed.To, changed.By).ShouldBe((Ana, Bo, "lead"));
        var moved = events.ShouldHaveOne<PromptReassigned>();
        (moved.PromptId, moved.To, moved.Why).ShouldBe((call.PromptId, Bo, ReassignReasons.OwnerChanged));
        _s.State.Prompts[consult.PromptId].SellerId.ShouldBe(Pia);
        _s.Directory.With(_s.State.Overrides).OwnerSellerId.ShouldBe(Bo);
    }

    [Fact]
    public void Given_the_account_was_reassigned_When_new_owner_work_arises_Then_it_goes_to_the_new_owner()
    {
        _s.When(new ReassignAccount(AccountId, _s.NextId(), Bo, "lead"));

        SalesCall().SellerId.ShouldBe(Bo);
    }

    [Fact]
    public void Given_an_account_When_it_is_reassigned_to_someone_not_on_the_team_Then_it_is_refused_and_the_owner_stays()
    {
        _s.When(new ReassignAccount(AccountId, _s.NextId(), "nobody", "lead")).ShouldHaveOne<PromptActionRefused>().Kind.ShouldBe(JourneyCommandKinds.ReassignAccount);

        _s.Directory.With(_s.State.Overrides).OwnerSellerId.ShouldBe(Ana);
    }
}
