using DemandCenter.Journey.Domain;

namespace DemandCenter.Unit.Tests.Journey;

public sealed class PricingRuleTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);
    private static readonly AccountProfile Acme = new("acme.com", "Acme", "ana");
    private readonly FixedTime _time = new(Monday);

    private static RecordSignal View(string category, string contact = "kim@acme.com", Guid? id = null) =>
        new("acme.com", id ?? Guid.NewGuid(), "web.page.viewed", "web", Monday, contact, $"https://vendor.example/{category}", category);

    private static AccountJourney Given(params JourneyEvent[] history) => history.Aggregate(AccountJourney.Empty("acme.com"), JourneyDecider.Evolve);

    private IReadOnlyList<JourneyEvent> When(AccountJourney state, JourneyCommand command, AccountProfile? profile = null) =>
        JourneyDecider.Decide(command, state, profile ?? Acme, Playbook.Default, _time);

    [Fact]
    public void Given_an_account_owned_by_ana_When_kim_views_pricing_Then_ana_gets_a_pricing_consult_prompt_due_within_the_hour()
    {
        var command = View("pricing");

        var events = When(Given(), command);

        events.Count.ShouldBe(2);
        var recorded = events[0].ShouldBeOfType<SignalRecorded>();
        recorded.SignalId.ShouldBe(command.SignalId);
        var prompt = events[1].ShouldBeOfType<PromptRaised>();
        prompt.SellerId.ShouldBe("ana");
        prompt.Action.ShouldBe("pricing_consult");
        prompt.Role.ShouldBe("owner");
        prompt.ContactId.ShouldBe("kim@acme.com");
        prompt.DueBy.ShouldBe(Monday + TimeSpan.FromHours(1));
        prompt.EvidenceSignalIds.ShouldBe([command.SignalId]);
        prompt.FocusJob.ShouldBe("supplier_selection");
        prompt.Reason.ShouldContain("kim@acme.com");
        prompt.Reason.ShouldContain("Acme");
        prompt.Reason.ShouldContain("pricing");
    }

    [Fact]
    public void Given_a_pricing_prompt_raised_ten_minutes_ago_When_pricing_is_viewed_again_Then_no_second_prompt_is_raised()
    {
        var first = When(Given(), View("pricing"));
        _time.Advance(TimeSpan.FromMinutes(10));

        var events = When(Given([.. first]), View("pricing", "lee@acme.com"));

        events.ShouldHaveSingleItem().ShouldBeOfType<SignalRecorded>();
    }

    [Fact]
    public void Given_a_pricing_prompt_older_than_the_cooldown_When_pricing_is_viewed_again_Then_a_new_prompt_counts_both_views()
    {
        var first = When(Given(), View("pricing"));
        _time.Advance(Playbook.Default.Cooldown + TimeSpan.FromMinutes(1));

        var events = When(Given([.. first]), View("pricing", "lee@acme.com"));

        var prompt = events.OfType<PromptRaised>().ShouldHaveSingleItem();
        prompt.ContactId.ShouldBe("lee@acme.com");
        prompt.Reason.ShouldContain("2 views");
    }

    [Fact]
    public void Given_an_account_with_no_owner_When_pricing_is_viewed_Then_only_the_signal_is_recorded()
    {
        var events = When(Given(), View("pricing"), new AccountProfile("acme.com", "acme.com", OwnerSellerId: null));

        events.ShouldHaveSingleItem().ShouldBeOfType<SignalRecorded>();
    }

    [Fact]
    public void Given_a_new_account_When_a_blog_post_is_read_Then_no_prompt_and_the_focus_is_problem_identification()
    {
        var events = When(Given(), View("blog"));

        events.ShouldHaveSingleItem();
        var state = Given([.. events]);
        state.FocusJob.ShouldBe("problem_identification");
        state.Version.ShouldBe(1);
        state.Contacts.ShouldBe(["kim@acme.com"]);
    }

    [Fact]
    public void Given_security_pages_When_read_Then_a_security_review_prompt_is_raised_alongside_an_open_pricing_prompt()
    {
        var pricing = When(Given(), View("pricing"));

        var events = When(Given([.. pricing]), View("security"));

        events.OfType<PromptRaised>().ShouldHaveSingleItem().Action.ShouldBe("security_review");
    }

    [Fact]
    public void Given_the_same_signal_When_decided_twice_Then_the_prompt_id_is_the_same_and_differs_per_action()
    {
        var id = Guid.NewGuid();

        var a = When(Given(), View("pricing", id: id)).OfType<PromptRaised>().Single();
        var b = When(Given(), View("pricing", id: id)).OfType<PromptRaised>().Single();

        a.PromptId.ShouldBe(b.PromptId);
        JourneyDecider.PromptIdFor(id, "pricing_consult").ShouldNotBe(JourneyDecider.PromptIdFor(id, "security_review"));
        a.PromptId.ShouldNotBe(id);
    }

    [Fact]
    public void Given_a_late_attributed_pricing_view_When_decided_Then_it_is_recorded_as_late_and_prompts_no_one()
    {
        var command = View("pricing") with { LateAttributed = true };

        var recorded = When(Given(), command).ShouldHaveSingleItem().ShouldBeOfType<SignalRecorded>();

        recorded.LateAttributed.ShouldBeTrue();
    }
}
