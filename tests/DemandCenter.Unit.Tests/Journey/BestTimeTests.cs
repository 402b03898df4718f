using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using static DemandCenter.Unit.Tests.Journey.JourneyScenario;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>Best time to contact: contact, then account, then territory business hours; the next window; outcomes feed it.</summary>
public sealed class BestTimeTests
{
    private readonly JourneyScenario _s = new();

    private static DateTimeOffset Utc(int day, int hour) => new(2026, 11, day, hour, 0, 0, TimeSpan.Zero);

    private BestTimeView For(string? contact) => BestTime.For(_s.State, contact, _s.Directory.With(_s.State.Overrides), _s.Playbook, _s.Now);

    /// <summary>Five anonymous page views on Tuesday 24 November at 15:00 UTC.</summary>
    private void AccountActiveTuesdayAfternoons()
    {
        _s.Clock.Now = Utc(24, 15);
        _s.Given(s => s.Page("blog", null), s => s.Page("blog", null), s => s.Page("docs", null), s => s.Page("docs", null), s => s.Page("blog", null));
    }

    [Fact]
    public void Given_no_history_for_an_emea_account_on_monday_morning_Then_the_window_is_now_until_the_end_of_the_berlin_business_day()
    {
        var best = For(Kim);

        best.Basis.ShouldBe("territory");
        best.TimeZone.ShouldBe("Europe/Berlin");
        best.Hours[0].ShouldBe("Mon 09:00");
        best.Next.ShouldBe(new TimeWindow(Start, Utc(23, 16)));
    }

    [Fact]
    public void Given_no_history_on_a_sunday_Then_the_next_window_is_monday_at_nine_in_the_territory()
    {
        _s.Clock.Now = Utc(22, 10);
        _s.Directory = _s.Directory with { Territory = "amer" };

        var best = For(null);

        best.TimeZone.ShouldBe("America/New_York");
        best.Next.ShouldBe(new TimeWindow(Utc(23, 14), Utc(23, 22)));
    }

    [Fact]
    public void Given_an_unknown_territory_Then_the_default_zone_is_used()
    {
        _s.Directory = _s.Directory with { Territory = "mars" };

        var best = For(null);

        best.TimeZone.ShouldBe("Etc/UTC");
        best.Next.ShouldBe(new TimeWindow(Start, Utc(23, 17)));
    }

    [Fact]
    public void Given_five_signals_on_tuesday_afternoon_Then_the_account_basis_points_at_next_tuesday_afternoon()
    {
        AccountActiveTuesdayAfternoons();
        _s.Clock.Now = Utc(25, 10);

        var best = For(null);

        best.Basis.ShouldBe("account");
        best.Hours.ShouldBe(["Tue 16:00"]);
        best.Next.ShouldBe(new TimeWindow(new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 16, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Given_a_contact_with_three_signals_on_wednesday_Then_their_own_hours_win_over_the_account()
    {
        AccountActiveTuesdayAfternoons();
        _s.Clock.Now = Utc(25, 14);
        _s.Given(s => s.Page("pricing", Kim), s => s.Page("pricing", Kim), s => s.Page("trial", Kim));
        _s.Clock.Now = Utc(26, 9);

        var best = For(Kim);

        best.Basis.ShouldBe("contact");
        best.Next.From.ShouldBe(new DateTimeOffset(2026, 12, 2, 14, 0, 0, TimeSpan.Zero));
        For(Raj).Basis.ShouldBe("account", "a contact without enough history falls back to the account");
    }

    [Fact]
    public void Given_a_contact_whose_first_signal_is_an_email_reply_Then_it_counts_as_much_as_a_later_reply()
    {
        _s.When(_s.Reply("positive", Kim));
        _s.When(_s.Reply("positive", Kim));

        _s.State.BuyingGroup[Kim].Hours.Total.ShouldBe(6);
        For(Kim).Basis.ShouldBe("contact");
    }

    [Fact]
    public void Given_a_call_that_connected_on_thursday_afternoon_When_completed_Then_the_contact_is_best_reached_then()
    {
        _s.When(_s.Form("contact_sales", Kim));
        var call = _s.Prompt(PromptActions.Call);
        _s.Clock.Now = Utc(26, 14);

        _s.When(_s.Complete(call.PromptId, Ana, PromptOutcomes.Connected));
        _s.Clock.Now = Utc(27, 9);

        var best = For(Kim);
        best.Basis.ShouldBe("contact");
        best.Next.ShouldBe(new TimeWindow(new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 3, 15, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Given_a_call_with_no_answer_When_completed_Then_it_says_nothing_about_when_the_contact_is_reachable()
    {
        _s.When(_s.Form("contact_sales", Kim));
        var call = _s.Prompt(PromptActions.Call);

        _s.When(_s.Complete(call.PromptId, Ana, PromptOutcomes.NoAnswer));

        _s.State.BuyingGroup[Kim].Hours.Total.ShouldBe(1);
        For(Kim).Basis.ShouldBe("territory");
    }

    [Fact]
    public void Given_a_form_on_a_sunday_Then_the_prompt_is_due_now_but_its_best_window_is_monday_business_hours()
    {
        _s.Clock.Now = Utc(22, 10);

        var raised = _s.When(_s.Form("contact_sales")).ShouldRaise("speed_to_lead_form");

        raised.DueBy.ShouldBe(Utc(22, 10).AddMinutes(5));
        (raised.BestFrom, raised.BestTo).ShouldBe((Utc(23, 8), Utc(23, 16)));
    }

    [Fact]
    public void Given_best_hours_When_asked_mid_window_Then_the_window_starts_now_and_runs_at_most_twelve_hours()
    {
        var now = Utc(23, 10).AddMinutes(25);
        var allWeek = Enumerable.Range(0, HourHistogram.Hours).ToHashSet();

        BestTime.Next(allWeek, now).ShouldBe(new TimeWindow(now, Utc(23, 22)));
        BestTime.Next(new HashSet<int>(), now).ShouldBe(new TimeWindow(now, now.AddHours(1)));
        BestTime.Next(new HashSet<int> { HourHistogram.HourOfWeek(Utc(23, 9)) }, now).From.ShouldBe(Utc(30, 9));
    }

    [Fact]
    public void Given_best_hours_When_asked_with_minutes_of_the_window_left_Then_the_next_window_is_recommended()
    {
        var mondayAndTuesdayTen = new HashSet<int> { HourHistogram.HourOfWeek(Utc(23, 10)), HourHistogram.HourOfWeek(Utc(24, 10)) };

        BestTime.Next(mondayAndTuesdayTen, Utc(23, 10).AddMinutes(52)).ShouldBe(new TimeWindow(Utc(24, 10), Utc(24, 11)), "eight minutes left of Monday's");
        BestTime.Next(mondayAndTuesdayTen, Utc(23, 10).AddMinutes(45)).ShouldBe(new TimeWindow(Utc(23, 10).AddMinutes(45), Utc(23, 11)), "a quarter of an hour is still worth it");
        BestTime.Next(new HashSet<int> { HourHistogram.HourOfWeek(Utc(23, 10)) }, Utc(23, 10).AddMinutes(58))
            .ShouldBe(new TimeWindow(Utc(30, 10), Utc(30, 11)), "the only best hour of the week, nearly over: next week's");
    }
}
