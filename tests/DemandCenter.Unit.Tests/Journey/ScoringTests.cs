using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using static DemandCenter.Unit.Tests.Journey.JourneyScenario;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>The four scores (engagement, breadth, surge, urgency), each 0-100 and explained by its drivers.</summary>
public sealed class ScoringTests
{
    private readonly JourneyScenario _s = new();

    private ScoreBreakdown Scores() => Scoring.Explain(_s.State, _s.Now, _s.Playbook);

    [Fact]
    public void Given_a_new_account_Then_every_score_is_zero_and_says_why()
    {
        var scores = Scores();

        scores.Engagement.ShouldBe(new ExplainedScore(0, []), ScoreComparer.Instance);
        scores.Breadth.Value.ShouldBe(0);
        scores.Breadth.Drivers.ShouldBe(["0 people in 30 days", "no channels"]);
        scores.Surge.Value.ShouldBe(0);
        scores.Urgency.Value.ShouldBe(0);
        scores.Urgency.Drivers.ShouldBeEmpty();
    }

    [Fact]
    public void Given_twelve_points_of_evidence_Then_engagement_is_63_and_names_the_job_When_four_weeks_pass_Then_it_decays_to_22()
    {
        _s.Given(s => s.Page("pricing"), s => s.Page("comparison"), s => s.Page("trial"), s => s.Page("pricing"), s => s.Page("comparison"), s => s.Page("trial"));

        Scores().Engagement.Value.ShouldBe(63);
        Scores().Engagement.Drivers.ShouldBe(["supplier selection 12"]);

        _s.After(TimeSpan.FromDays(28));

        Scores().Engagement.Value.ShouldBe(22);
        Scores().Engagement.Drivers.ShouldBe(["supplier selection 3"]);
    }

    [Fact]
    public void Given_two_people_on_web_and_chat_Then_breadth_counts_people_and_channels_When_a_month_passes_Then_it_is_zero()
    {
        _s.Given(s => s.Page("blog", Kim), s => s.Chat(Raj, "integration"));

        Scores().Breadth.Value.ShouldBe((2 * 15) + (2 * 10));
        Scores().Breadth.Drivers.ShouldBe(["2 people in 30 days", "chat, web"]);

        _s.After(TimeSpan.FromDays(31));

        Scores().Breadth.Value.ShouldBe(0);
    }

    [Fact]
    public void Given_many_people_on_every_channel_Then_breadth_is_capped_at_100()
    {
        _s.Given(s => s.Page("blog", Kim), s => s.Chat(Raj, "integration"), s => s.Reply("neutral", Mo), s => s.Meeting("virtual", "a@acme.com", "b@acme.com", "c@acme.com"));

        Scores().Breadth.Value.ShouldBe(100);
        Scores().Breadth.Drivers[0].ShouldBe("6 people in 30 days");
    }

    [Fact]
    public void Given_one_signal_a_week_for_four_weeks_When_seven_arrive_in_the_last_week_Then_surge_is_75()
    {
        for (var week = 0; week < 4; week++)
        {
            _s.Given(s => s.Page("other", null)).After(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        }

        for (var day = 0; day < 7; day++)
        {
            _s.Given(s => s.Page("other", null)).After(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        }

        _s.After(TimeSpan.FromDays(-1));
        var surge = Scores().Surge;

        surge.Value.ShouldBe(75);
        surge.Drivers.ShouldBe(["7 signals in the last 7 days", "1 per 7 days before"]);
    }

    [Fact]
    public void Given_steady_activity_Then_there_is_no_surge()
    {
        for (var week = 0; week < 5; week++)
        {
            _s.Given(s => s.Page("other", null), s => s.Page("other", null)).After(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(2));
        }

        _s.After(TimeSpan.FromDays(-6));

        Scores().Surge.Value.ShouldBe(0);
    }

    [Fact]
    public void Given_a_contact_sales_form_on_a_quiet_account_Then_urgency_adds_surge_late_focus_and_the_form()
    {
        _s.When(_s.Form("contact_sales"));

        var urgency = Scores().Urgency;

        urgency.Value.ShouldBe(20 + 20 + 25);
        urgency.Drivers.ShouldBe(["surge 50", "focus on supplier selection", "asked to talk to sales"]);
    }

    [Fact]
    public void Given_a_contact_sales_form_When_eight_days_pass_Then_only_the_late_focus_keeps_urgency_up()
    {
        _s.When(_s.Form("contact_sales"));

        _s.After(TimeSpan.FromDays(8));

        Scores().Urgency.ShouldBe(new ExplainedScore(20, ["focus on supplier selection"]), ScoreComparer.Instance);
        Scores().Surge.Value.ShouldBe(0);
    }

    [Fact]
    public void Given_chat_about_timeline_and_budget_and_a_positive_reply_Then_urgency_names_each_driver_and_stays_within_100()
    {
        _s.Given(s => s.Chat(Kim, "timeline", "budget"), s => s.Reply("positive"), s => s.Form("demo_request"), s => s.Meeting("in_person", Kim, Raj));

        var urgency = Scores().Urgency;

        urgency.Drivers.ShouldContain("asked the chat about timeline and budget");
        urgency.Drivers.ShouldContain("a positive email reply");
        urgency.Drivers.ShouldContain("asked to talk to sales");
        urgency.Drivers.ShouldContain("focus on consensus creation");
        urgency.Value.ShouldBe(100);
    }

    [Fact]
    public void Given_a_raised_prompt_Then_it_carries_the_scores_of_the_moment()
    {
        var events = _s.When(_s.Form("contact_sales"));

        events.ShouldRaise("speed_to_lead_form").Scores.ShouldBe(Scoring.Of(_s.State, _s.Now, _s.Playbook));
    }

    /// <summary>Value and drivers (records compare lists by reference).</summary>
    private sealed class ScoreComparer : IEqualityComparer<ExplainedScore>
    {
        public static readonly ScoreComparer Instance = new();

        public bool Equals(ExplainedScore? x, ExplainedScore? y) => x is not null && y is not null && x.Value == y.Value && x.Drivers.SequenceEqual(y.Drivers);

        public int GetHashCode(ExplainedScore obj) => obj.Value;
    }
}
