using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using static DemandCenter.Unit.Tests.Journey.JourneyScenario;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>Every rule of the default playbook, and what holds them back: windows, cooldowns, one prompt per action, suppression, transactional journeys.</summary>
public sealed class OutreachRuleTests
{
    private readonly JourneyScenario _s = new();

    private static readonly DateTimeOffset Ten = Start;

    [Fact]
    public void Given_the_shipped_playbook_When_its_reasons_are_read_Then_every_placeholder_is_one_the_rules_fill()
    {
        var named = _s.Playbook.Rules
            .SelectMany(r => System.Text.RegularExpressions.Regex.Matches(r.Reason, "{([^{}]*)}").Select(m => (Rule: r.Id, Name: m.Groups[1].Value)))
            .ToList();

        named.Count.ShouldBeGreaterThan(_s.Playbook.Rules.Count, "the reasons are templates");
        named.Where(n => !DemandCenter.Journey.Domain.Model.Rules.Placeholders.Contains(n.Name)).ShouldBeEmpty();
        named.Where(n => n.Name.StartsWith("window", StringComparison.Ordinal))
            .ShouldAllBe(n => _s.Playbook.Rules.Single(r => r.Id == n.Rule).When!.Window != null, "a window's placeholders only where the rule has one");
    }

    [Theory]
    [InlineData("contact_sales", "contact sales")]
    [InlineData("demo_request", "demo request")]
    public void Given_a_new_account_When_a_sales_form_is_submitted_Then_the_owner_gets_a_call_due_within_five_minutes(string kind, string label)
    {
        var form = _s.Form(kind);

        var raised = _s.When(form).ShouldRaise("speed_to_lead_form");

        raised.SellerId.ShouldBe(Ana);
        raised.Action.ShouldBe(PromptActions.Call);
        raised.Role.ShouldBe(PromptRoles.Owner);
        raised.Priority.ShouldBe(1);
        raised.DueBy.ShouldBe(Ten.AddMinutes(5));
        raised.SlaBy.ShouldBe(Ten.AddMinutes(10));
        raised.ContactId.ShouldBe(Kim);
        raised.EvidenceSignalIds.ShouldBe([form.SignalId]);
        raised.PlaybookVersion.ShouldBe(_s.Playbook.Version);
        raised.PromptId.ShouldBe(JourneyDecider.PromptIdFor(form.SignalId, "speed_to_lead_form"));
        raised.Reason.ShouldBe($"Kim Lee from Acme submitted a {label} form at 10:00 UTC; call within 5 minutes while they are still there.");
        raised.Overflow.ShouldBeFalse();
    }

    [Fact]
    public void Given_a_new_account_When_a_newsletter_form_is_submitted_Then_nobody_is_prompted()
    {
        _s.When(_s.Form("newsletter")).ShouldRaiseNoPrompt();
    }

    [Fact]
    public void Given_an_outbound_email_When_the_contact_replies_positively_Then_the_owner_gets_a_call_due_within_five_minutes()
    {
        var raised = _s.When(_s.Reply("positive")).ShouldRaise("speed_to_lead_reply");

        raised.DueBy.ShouldBe(Ten.AddMinutes(5));
        raised.SellerId.ShouldBe(Ana);
        raised.Reason.ShouldBe("Kim Lee from Acme replied positively to an email at 10:00 UTC; call within 5 minutes.");
    }

    [Theory]
    [InlineData("negative")]
    [InlineData("neutral")]
    [InlineData("out_of_office")]
    public void Given_an_outbound_email_When_the_reply_is_not_positive_Then_nobody_is_prompted(string kind)
    {
        _s.When(_s.Reply(kind)).ShouldRaiseNoPrompt();
    }

    [Fact]
    public void Given_a_sales_form_after_a_blog_visit_When_urgency_also_surges_Then_the_account_still_gets_only_one_call()
    {
        _s.Given(s => s.Page("blog"));

        var events = _s.When(_s.Form("contact_sales"));

        events.OfType<PromptRaised>().Where(p => p.Action == PromptActions.Call).ShouldHaveSingleItem().RuleId.ShouldBe("speed_to_lead_form");
        _s.State.ActivePrompts.Count(p => p.Action == PromptActions.Call).ShouldBe(1);
    }

    [Fact]
    public void Given_one_pricing_visit_When_another_person_asks_the_chat_about_pricing_Then_a_pricing_consult_goes_to_the_pricing_specialist_in_the_territory()
    {
        var first = _s.When(_s.Page("pricing", Kim));
        first.ShouldRaiseNoPrompt();
        _s.After(TimeSpan.FromMinutes(30));

        var chat = _s.Chat(Raj, "pricing");
        var raised = _s.When(chat).ShouldRaise("pricing_interest");

        raised.ShouldAsk(Pia, PromptActions.PricingConsult, "Kim Lee and Raj Patel from Acme looked at pricing 2 times since today 10:00; Raj Patel asked the chat about pricing.");
        raised.Role.ShouldBe(PromptRoles.Pricing);
        raised.ContactId.ShouldBe(Raj);
        raised.DueBy.ShouldBe(_s.Now.AddHours(1));
        raised.SlaBy.ShouldBe(_s.Now.AddMinutes(30));
        raised.EvidenceSignalIds.ShouldBe([first.ShouldHaveOne<SignalRecorded>().SignalId, chat.SignalId]);
    }

    [Fact]
    public void Given_a_pricing_visit_three_days_ago_When_another_arrives_Then_it_is_outside_the_window_and_nobody_is_prompted()
    {
        _s.Given(s => s.Page("pricing"));

        _s.After(TimeSpan.FromHours(49)).When(_s.Page("comparison")).ShouldRaiseNoPrompt();
    }

    [Fact]
    public void Given_early_research_When_a_security_page_is_viewed_Then_no_review_until_requirements_building_is_reached()
    {
        _s.When(_s.Page("security")).ShouldRaiseNoPrompt();

        var raised = _s.When(_s.Content("security", Raj)).ShouldRaise("security_questions");

        raised.ShouldAsk(Sol, PromptActions.SecurityReview, "Kim Lee and Raj Patel from Acme researched security 2 times since today 10:00; offer a security review.");
    }

    [Fact]
    public void Given_product_research_by_two_people_When_the_third_visit_arrives_Then_solutions_is_asked_to_offer_a_demo()
    {
        _s.Given(s => s.Page("product", Kim));
        _s.When(_s.Page("solution", Kim)).ShouldRaiseNoPrompt();

        var raised = _s.When(_s.Page("case_study", Raj)).ShouldRaise("exploring_solution");

        raised.ShouldAsk(Sol, PromptActions.Demo, "Kim Lee and Raj Patel from Acme explored the product 3 times since today 10:00; offer a demo.");
        raised.Role.ShouldBe(PromptRoles.Solutions);
        raised.DueBy.ShouldBe(_s.Now.AddHours(8));
    }

    [Fact]
    public void Given_product_research_by_one_person_When_it_continues_Then_no_demo_is_offered()
    {
        _s.Given(s => s.Page("product"), s => s.Page("solution"), s => s.Page("case_study"));

        _s.When(_s.Page("integration")).ShouldRaiseNoPrompt();
    }

    [Fact]
    public void Given_an_account_exploring_solutions_When_a_second_new_person_joins_within_a_week_Then_the_owner_introduces_themselves()
    {
        _s.Given(s => s.Page("pricing", Kim), s => s.Page("blog", Raj));
        _s.After(TimeSpan.FromDays(2));

        var raised = _s.When(_s.Page("blog", Mo)).ShouldRaise("new_buying_group_members");

        raised.ShouldAsk(Ana, PromptActions.Email, "2 new people from Acme joined the buying journey since 2 days ago (Raj Patel, Mo Chen); introduce yourself to them.");
    }

    [Fact]
    public void Given_a_new_member_eight_days_ago_When_another_joins_Then_they_are_not_a_growing_group()
    {
        _s.Given(s => s.Page("pricing", Kim), s => s.Page("blog", Raj));

        _s.After(TimeSpan.FromDays(8)).When(_s.Page("blog", Mo)).ShouldRaiseNoPrompt();
    }

    [Fact]
    public void Given_a_quiet_account_When_someone_asks_the_chat_about_the_timeline_Then_the_surge_makes_the_owner_call()
    {
        var raised = _s.When(_s.Chat(Kim, "timeline")).ShouldRaise("urgent_surge");

        raised.ShouldAsk(Ana, PromptActions.Call, "Acme is surging (urgency 70): surge 50, focus on consensus creation, asked the chat about timeline; call Kim Lee.");
    }

    [Fact]
    public void Given_steady_activity_over_the_past_month_When_someone_asks_the_chat_about_the_timeline_Then_there_is_no_surge_and_no_call()
    {
        for (var week = 0; week < 4; week++)
        {
            _s.Given(s => s.Page("other", null), s => s.Page("other", null)).After(TimeSpan.FromDays(7));
        }

        _s.When(_s.Chat(Kim, "timeline")).ShouldRaiseNoPrompt();
    }

    [Fact]
    public void Given_a_tier_one_account_exploring_solutions_When_a_signal_arrives_Then_the_owner_is_asked_to_meet_in_person()
    {
        _s.Directory = _s.Directory with { Tier = "1" };

        var raised = _s.When(_s.Page("pricing")).ShouldRaise("top_account_in_person");

        raised.ShouldAsk(Ana, PromptActions.InPersonMeeting, "Acme is a top account in supplier selection and nobody has met them in person in 90 days; arrange an in-person meeting.");
        raised.DueBy.ShouldBe(Ten.AddDays(7));
    }

    [Theory]
    [InlineData(50_000_000, true)]
    [InlineData(40_000_000, true)]
    [InlineData(39_999_999, false)]
    public void Given_an_account_without_a_top_tier_When_its_revenue_is_compared_with_the_top_twenty_percent_threshold_Then_only_top_revenue_gets_an_in_person_prompt(long revenue, bool top)
    {
        _s.Directory = _s.Directory with { Tier = "2", AnnualRevenue = revenue };
        _s.TopRevenueThreshold = 40_000_000m;

        var prompts = _s.When(_s.Page("pricing")).OfType<PromptRaised>();

        prompts.Any(p => p.RuleId == "top_account_in_person").ShouldBe(top);
    }

    [Fact]
    public void Given_a_top_account_with_only_a_virtual_meeting_Then_the_in_person_prompt_is_still_raised()
    {
        _s.Directory = _s.Directory with { Tier = "1" };

        _s.When(_s.Meeting("virtual", Kim, Raj)).ShouldRaise("top_account_in_person");
        _s.State.LastInPersonAt.ShouldBeNull();
    }

    [Fact]
    public void Given_a_top_account_met_in_person_When_ninety_days_pass_with_recent_activity_Then_the_clock_asks_for_another_meeting()
    {
        _s.Directory = _s.Directory with { Tier = "1" };
        _s.When(_s.Meeting("in_person", Kim, Raj)).ShouldNotRaise("top_account_in_person");

        _s.After(TimeSpan.FromDays(85)).When(_s.Page("pricing")).ShouldNotRaise("top_account_in_person");
        _s.After(TimeSpan.FromDays(4)).When(_s.Tick()).ShouldNotRaise("top_account_in_person");

        _s.After(TimeSpan.FromDays(2)).When(_s.Tick()).ShouldRaise("top_account_in_person");
    }

    [Fact]
    public void Given_a_top_account_that_went_quiet_When_the_clock_ticks_Then_nobody_is_sent_to_meet_them()
    {
        _s.Directory = _s.Directory with { Tier = "1" };
        _s.Given(s => s.Meeting("in_person", Kim));

        _s.After(TimeSpan.FromDays(120)).When(_s.Tick()).ShouldNotRaise("top_account_in_person");
    }

    [Fact]
    public void Given_an_account_never_met_in_person_When_signals_arrive_through_an_hour_Then_the_clock_checks_a_day_later_on_the_next_whole_hour()
    {
        _s.After(TimeSpan.FromMinutes(17)).When(_s.Page("blog"));
        JourneyDecider.NextCheck(_s.State, _s.Context).ShouldBe(Ten.AddDays(1).AddHours(1));

        // Later in the same hour: the check stays where it was (the account's row then keeps its indexed columns).
        _s.After(TimeSpan.FromMinutes(30)).When(_s.Page("blog", Raj));
        JourneyDecider.NextCheck(_s.State, _s.Context).ShouldBe(Ten.AddDays(1).AddHours(1));

        _s.After(TimeSpan.FromMinutes(13)).When(_s.Page("blog"));
        JourneyDecider.NextCheck(_s.State, _s.Context).ShouldBe(Ten.AddDays(1).AddHours(1));

        _s.After(TimeSpan.FromMinutes(1)).When(_s.Page("blog"));
        JourneyDecider.NextCheck(_s.State, _s.Context).ShouldBe(Ten.AddDays(1).AddHours(2));
    }

    [Fact]
    public void Given_an_account_that_is_not_a_top_account_When_the_clock_checks_it_a_day_after_its_last_signal_Then_the_next_check_is_a_day_later_not_again_at_once()
    {
        _s.When(_s.Page("blog"));
        _s.After(TimeSpan.FromDays(1).Add(TimeSpan.FromHours(1)));

        _s.When(_s.Tick()).OfType<PromptRaised>().ShouldBeEmpty();

        // Nothing was due after all: a check left in the past would have the clock tick the account again and again.
        JourneyDecider.NextCheck(_s.State, _s.Context, tickedAt: _s.Now).ShouldBe(_s.Now.AddDays(1));
    }

    [Fact]
    public void Given_an_account_exploring_solutions_When_ten_days_pass_without_progress_Then_the_clock_checks_it_again_only_a_day_later()
    {
        _s.Given(s => s.Page("product"), s => s.Page("product", Raj));
        _s.After(TimeSpan.FromDays(11)).When(_s.Tick()).OfType<PromptRaised>().ShouldBeEmpty();

        JourneyDecider.NextCheck(_s.State, _s.Context, tickedAt: _s.Now).ShouldNotBeNull().ShouldBeGreaterThan(_s.Now);
    }

    [Fact]
    public void Given_an_account_that_reached_supplier_selection_When_ten_days_pass_without_progress_Then_the_clock_sends_the_owner_a_nudge()
    {
        _s.Given(s => s.Page("pricing"));

        _s.After(TimeSpan.FromDays(9)).When(_s.Tick()).ShouldRaiseNoPrompt();
        var raised = _s.After(TimeSpan.FromDays(1)).When(_s.Tick()).ShouldRaise("stalled_late");

        raised.ShouldAsk(Ana, PromptActions.Email, "Acme reached supplier selection but has made no progress since 23 Nov; send a nudge with what usually unblocks it: customer references and an ROI case.");
    }

    [Fact]
    public void Given_a_nudge_was_dismissed_When_the_clock_ticks_within_two_weeks_Then_the_cooldown_holds_until_it_has_passed()
    {
        _s.Given(s => s.Page("pricing"));
        _s.After(TimeSpan.FromDays(10)).When(_s.Tick());
        _s.When(_s.Dismiss(_s.Prompt(PromptActions.Email).PromptId, Ana, "bad_timing"));

        _s.After(TimeSpan.FromDays(1)).When(_s.Tick()).ShouldRaiseNoPrompt();
        _s.After(TimeSpan.FromDays(12)).When(_s.Tick()).ShouldRaiseNoPrompt();

        _s.After(TimeSpan.FromDays(1)).When(_s.Tick()).ShouldRaise("stalled_late");
    }

    [Fact]
    public void Given_an_account_still_exploring_When_it_stalls_for_a_month_Then_no_nudge_is_sent()
    {
        _s.Given(s => s.Page("product"), s => s.Content("case_study"));

        _s.After(TimeSpan.FromDays(30)).When(_s.Tick()).ShouldRaiseNoPrompt();
    }

    [Fact]
    public void Given_a_transactional_account_When_a_sales_form_arrives_Then_automated_nurture_is_recorded_instead_of_a_seller_prompt()
    {
        _s.Directory = _s.Directory with { Segment = "smb" };

        var events = _s.When(_s.Form("contact_sales"));

        events.ShouldRaiseNoPrompt();
        var nurture = events.ShouldHaveOne<NurtureSent>();
        nurture.RuleId.ShouldBe("speed_to_lead_form");
        nurture.InsteadOf.ShouldBe(PromptActions.Call);
        nurture.ContactId.ShouldBe(Kim);
        nurture.Reason.ShouldStartWith("Kim Lee from Acme submitted a contact sales form");
        _s.State.ActivePrompts.ShouldBeEmpty();
    }

    [Fact]
    public void Given_nurture_was_sent_When_the_same_rule_fires_again_Then_its_cooldown_applies_to_nurture_too()
    {
        _s.Directory = _s.Directory with { Segment = "smb" };
        _s.Given(s => s.Form("contact_sales"));

        _s.After(TimeSpan.FromHours(11)).When(_s.Form("contact_sales")).OfType<NurtureSent>().ShouldNotContain(n => n.RuleId == "speed_to_lead_form");

        _s.After(TimeSpan.FromHours(1)).When(_s.Form("contact_sales")).OfType<NurtureSent>().ShouldContain(n => n.RuleId == "speed_to_lead_form");
    }

    [Fact]
    public void Given_the_crm_moves_the_account_to_a_transactional_segment_When_pricing_interest_shows_Then_nurture_replaces_the_consult()
    {
        _s.Given(s => s.Crm(ProfileOverrides.None with { Segment = "smb" }), s => s.Page("pricing"));

        var events = _s.When(_s.Page("pricing"));

        events.ShouldRaiseNoPrompt();
        events.ShouldHaveOne<NurtureSent>().InsteadOf.ShouldBe(PromptActions.PricingConsult);
    }

    [Fact]
    public void Given_a_pricing_consult_is_open_When_more_pricing_interest_comes_after_the_cooldown_Then_no_second_consult_is_raised()
    {
        _s.Given(s => s.Page("pricing"), s => s.Page("pricing"));
        var open = _s.Prompt(PromptActions.PricingConsult);

        _s.After(TimeSpan.FromHours(25)).Given(s => s.Page("pricing"), s => s.Chat(Kim, "pricing"));

        _s.Prompt(PromptActions.PricingConsult).ShouldBe(open);
        _s.Raised<PromptRaised>().Count(p => p.RuleId == "pricing_interest").ShouldBe(1);
    }

    [Fact]
    public void Given_a_pricing_consult_was_dismissed_When_interest_continues_Then_a_new_one_waits_for_the_cooldown()
    {
        _s.Given(s => s.Page("pricing"), s => s.Page("pricing"));
        _s.When(_s.Dismiss(_s.Prompt(PromptActions.PricingConsult).PromptId, Pia, "not_relevant"));

        _s.After(TimeSpan.FromHours(12)).When(_s.Page("pricing")).ShouldRaiseNoPrompt();

        _s.After(TimeSpan.FromHours(12)).When(_s.Page("pricing")).ShouldRaise("pricing_interest");
    }

    [Fact]
    public void Given_a_seller_accepted_a_prompt_When_other_rules_fire_within_the_working_window_Then_they_are_held_back_until_it_ends()
    {
        _s.Given(s => s.Reply("positive"));
        _s.When(_s.Accept(_s.Prompt(PromptActions.Call).PromptId, Ana));
        _s.State.WorkingUntil.ShouldBe(_s.Now.AddHours(48));

        _s.Given(s => s.Page("pricing"), s => s.Page("pricing"));
        _s.After(TimeSpan.FromHours(47)).When(_s.Page("pricing")).ShouldNotRaise("pricing_interest");
        _s.Raised<PromptRaised>().ShouldNotContain(p => p.RuleId == "pricing_interest");

        _s.After(TimeSpan.FromHours(1)).When(_s.Page("pricing")).ShouldRaise("pricing_interest");
    }

    [Fact]
    public void Given_a_seller_is_working_the_account_When_a_sales_form_arrives_Then_speed_to_lead_bypasses_the_suppression()
    {
        _s.Given(s => s.Page("pricing"), s => s.Page("pricing"));
        _s.When(_s.Accept(_s.Prompt(PromptActions.PricingConsult).PromptId, Pia));

        _s.When(_s.Form("demo_request")).ShouldRaise("speed_to_lead_form");
    }

    [Fact]
    public void Given_history_attributed_late_When_it_is_recorded_Then_it_informs_the_journey_but_prompts_nobody()
    {
        var events = _s.When(_s.Form("contact_sales") with { LateAttributed = true });

        events.ShouldRaiseNoPrompt();
        events.OfType<NurtureSent>().ShouldBeEmpty();
        events.ShouldHaveOne<SignalRecorded>().LateAttributed.ShouldBeTrue();
        _s.State.FocusJob.ShouldBe(BuyingJobs.SupplierSelection);
    }
}
