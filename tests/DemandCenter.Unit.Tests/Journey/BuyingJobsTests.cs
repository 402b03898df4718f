using DemandCenter.Journey.Domain.Playbooks;
using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using static DemandCenter.Unit.Tests.Journey.JourneyScenario;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>Six buying jobs: evidence, decay over time, the focus job with hysteresis, the furthest job and the buying group.</summary>
public sealed class BuyingJobsTests
{
    /// <summary>The shipped playbook's weight of a new buying-group member as consensus-creation evidence.</summary>
    private static readonly double NewMemberWeight = Playbook.Default.Evidence[SignalKeys.NewMember][BuyingJobs.ConsensusCreation];

    private readonly JourneyScenario _s = new();

    private double LevelNow(string job) => _s.State.Job(job).At(_s.Now, _s.Playbook.Engagement).Level;

    private double MomentumNow(string job) => _s.State.Job(job).At(_s.Now, _s.Playbook.Engagement).Momentum;

    private List<(string? From, string To)> FocusMoves() => [.. _s.Raised<FocusJobChanged>().Select(f => (f.From, f.To))];

    [Fact]
    public void Given_a_new_account_When_a_pricing_page_is_viewed_Then_supplier_selection_gets_the_evidence_and_becomes_focus_and_furthest()
    {
        var events = _s.When(_s.Page("pricing"));

        var recorded = events.ShouldHaveOne<SignalRecorded>();
        recorded.Keys.ShouldBe(["page:pricing"]);
        recorded.Evidence.ShouldBe(new Dictionary<string, double> { [BuyingJobs.SupplierSelection] = 2 });
        var focus = events.ShouldHaveOne<FocusJobChanged>();
        focus.From.ShouldBeNull();
        focus.To.ShouldBe(BuyingJobs.SupplierSelection);
        focus.Evidence.ShouldStartWith("page:pricing at 2026-11-23 10:00");
        _s.State.FocusJob.ShouldBe(BuyingJobs.SupplierSelection);
        _s.State.FurthestJob.ShouldBe(BuyingJobs.SupplierSelection);
        _s.State.Job(BuyingJobs.SupplierSelection).Evidence.ShouldBe(2);
        _s.State.Jobs.Where((_, i) => i != BuyingJobs.IndexOf(BuyingJobs.SupplierSelection)).ShouldAllBe(j => j.Evidence == 0);
    }

    [Fact]
    public void Given_engagement_in_a_job_When_the_clock_moves_one_half_life_Then_the_level_halves_and_momentum_fades_faster()
    {
        _s.When(_s.Page("pricing"));

        _s.After(TimeSpan.FromDays(14));

        LevelNow(BuyingJobs.SupplierSelection).ShouldBe(1.0, 1e-9);
        _s.State.Job(BuyingJobs.SupplierSelection).LevelAt(_s.Now, _s.Playbook.Engagement).ShouldBe(1.0, 1e-9, "what the scores read");
        MomentumNow(BuyingJobs.SupplierSelection).ShouldBe(2 * Math.Pow(2, -14.0 / 3), 1e-9);
        _s.State.Job(BuyingJobs.SupplierSelection).MomentumAt(_s.Now, _s.Playbook.Engagement).ShouldBe(2 * Math.Pow(2, -14.0 / 3), 1e-9, "what the focus reads");
        _s.State.Job(BuyingJobs.SupplierSelection).Evidence.ShouldBe(2, "the undecayed evidence total does not decay");
    }

    [Fact]
    public void Given_engagement_When_read_at_an_earlier_time_Then_it_is_not_brought_backwards()
    {
        _s.When(_s.Page("pricing"));

        var job = _s.State.Job(BuyingJobs.SupplierSelection);

        job.At(Start.AddDays(-3), _s.Playbook.Engagement).ShouldBe(job);
        job.LevelAt(Start.AddDays(-3), _s.Playbook.Engagement).ShouldBe(job.Level);
        job.MomentumAt(Start.AddDays(-3), _s.Playbook.Engagement).ShouldBe(job.Momentum);
    }

    [Fact]
    public void Given_the_six_jobs_When_placed_in_order_Then_each_has_its_place_and_anything_else_none()
    {
        BuyingJobs.All.Select(BuyingJobs.IndexOf).ShouldBe([0, 1, 2, 3, 4, 5]);
        BuyingJobs.IndexOf("procurement").ShouldBe(-1);
        BuyingJobs.IndexOf(null).ShouldBe(-1);
    }

    [Fact]
    public void Given_an_account_When_more_signals_arrive_than_it_remembers_Then_it_keeps_the_latest_in_order()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < AccountJourney.RecentCapacity + 5; i++)
        {
            ids.Add(_s.When(_s.Page("blog")).ShouldHaveOne<SignalRecorded>().SignalId);
        }

        _s.State.Recent.Select(r => r.SignalId).ShouldBe(ids.TakeLast(AccountJourney.RecentCapacity));
    }

    [Fact]
    public void Given_recent_engagement_When_a_signal_from_two_weeks_ago_arrives_late_Then_it_counts_as_already_decayed()
    {
        _s.When(_s.Page("pricing"));

        _s.When(_s.Page("comparison") with { OccurredAt = _s.Now.AddDays(-14) });

        LevelNow(BuyingJobs.SupplierSelection).ShouldBe(3.0, 1e-9);
        _s.State.Job(BuyingJobs.SupplierSelection).Evidence.ShouldBe(4);
        _s.State.Job(BuyingJobs.SupplierSelection).LastEvidenceAt.ShouldBe(Start);
    }

    [Fact]
    public void Given_focus_on_supplier_selection_When_one_docs_page_is_viewed_Then_the_focus_does_not_flicker()
    {
        _s.Given(s => s.Page("pricing"));

        var events = _s.When(_s.Page("docs"));

        events.OfType<FocusJobChanged>().ShouldBeEmpty();
        _s.State.FocusJob.ShouldBe(BuyingJobs.SupplierSelection);
    }

    [Fact]
    public void Given_focus_on_supplier_selection_When_requirements_momentum_is_equal_but_not_ahead_by_the_switch_ratio_Then_the_focus_stays()
    {
        _s.Given(s => s.Page("pricing"));

        var events = _s.When(_s.Chat(Kim, "security"));

        MomentumNow(BuyingJobs.RequirementsBuilding).ShouldBeGreaterThan(MomentumNow(BuyingJobs.SupplierSelection) * 0.99);
        events.OfType<FocusJobChanged>().ShouldBeEmpty();
    }

    [Fact]
    public void Given_focus_on_supplier_selection_When_security_research_outweighs_it_Then_the_focus_moves_back_with_its_evidence_and_the_furthest_job_stays()
    {
        _s.Given(s => s.Page("pricing"), s => s.Chat(Kim, "security"));

        var events = _s.When(_s.Page("security"));

        var change = events.ShouldHaveOne<FocusJobChanged>();
        change.From.ShouldBe(BuyingJobs.SupplierSelection);
        change.To.ShouldBe(BuyingJobs.RequirementsBuilding);
        change.Momentum[BuyingJobs.RequirementsBuilding].ShouldBe(3.5, 0.01);
        change.Momentum[BuyingJobs.SupplierSelection].ShouldBe(2.0, 0.01);
        change.Evidence.ShouldStartWith("page:security");
        change.DaysInFrom.ShouldNotBeNull().ShouldBe(0.001, 0.001);
        _s.State.PreviousFocusJob.ShouldBe(BuyingJobs.SupplierSelection);
        _s.State.FurthestJob.ShouldBe(BuyingJobs.SupplierSelection);
    }

    [Fact]
    public void Given_a_journey_that_goes_forward_back_and_forward_again_Then_every_move_is_recorded_and_only_forward_moves_count_as_progress()
    {
        _s.Given(s => s.Page("blog"));
        _s.After(TimeSpan.FromDays(3)).Given(s => s.Content("case_study"));
        _s.After(TimeSpan.FromDays(3)).Given(s => s.Page("pricing"));
        var progressBeforeGoingBack = _s.State.LastProgressAt;
        _s.Given(s => s.Chat(Kim, "security"), s => s.Page("security"));
        _s.State.LastProgressAt.ShouldBe(progressBeforeGoingBack);

        _s.After(TimeSpan.FromDays(4)).Given(s => s.Page("pricing"));

        FocusMoves().ShouldBe(
        [
            (null, BuyingJobs.ProblemIdentification),
            (BuyingJobs.ProblemIdentification, BuyingJobs.SolutionExploration),
            (BuyingJobs.SolutionExploration, BuyingJobs.SupplierSelection),
            (BuyingJobs.SupplierSelection, BuyingJobs.RequirementsBuilding),
            (BuyingJobs.RequirementsBuilding, BuyingJobs.SupplierSelection),
        ]);
        _s.Raised<FocusJobChanged>().ElementAt(1).DaysInFrom.ShouldNotBeNull().ShouldBe(3.0, 0.01);
        _s.State.LastProgressAt.ShouldBe(_s.Raised<FocusJobChanged>().Last().At);
        _s.State.FurthestJob.ShouldBe(BuyingJobs.SupplierSelection);
    }

    [Fact]
    public void Given_heavy_pricing_activity_three_weeks_ago_When_security_is_researched_now_Then_decayed_momentum_lets_the_focus_move()
    {
        _s.Given(s => s.Page("pricing"), s => s.Page("comparison"), s => s.Chat(Kim, "pricing"));

        var events = _s.After(TimeSpan.FromDays(21)).When(_s.Page("security"));

        events.ShouldHaveOne<FocusJobChanged>().To.ShouldBe(BuyingJobs.RequirementsBuilding);
        LevelNow(BuyingJobs.SupplierSelection).ShouldBeGreaterThan(LevelNow(BuyingJobs.RequirementsBuilding), "the level remembers longer than momentum");
    }

    [Fact]
    public void Given_one_blog_view_Then_there_is_no_furthest_job_until_a_second_reaches_the_minimum_evidence()
    {
        _s.Given(s => s.Page("blog"));
        _s.State.FurthestJob.ShouldBeNull();

        _s.When(_s.Page("blog"));

        _s.State.FurthestJob.ShouldBe(BuyingJobs.ProblemIdentification);
    }

    [Fact]
    public void Given_the_first_contact_When_a_second_person_engages_Then_only_the_second_joining_is_consensus_evidence()
    {
        var first = _s.When(_s.Page("blog", Kim));
        var second = _s.When(_s.Page("blog", Raj));

        first.ShouldHaveOne<SignalRecorded>().Keys.ShouldNotContain(SignalKeys.NewMember);
        var joined = second.ShouldHaveOne<SignalRecorded>();
        joined.ContactId.ShouldBe(Raj);
        joined.Keys.ShouldBe([SignalKeys.NewMember, "page:blog"]);
        joined.Evidence[BuyingJobs.ConsensusCreation].ShouldBe(NewMemberWeight);
        first.Concat(second).OfType<BuyingGroupMemberJoined>().ShouldBeEmpty();
        _s.State.BuyingGroup.Keys.ShouldBe([Kim, Raj], ignoreOrder: true);
        _s.State.Job(BuyingJobs.ConsensusCreation).Evidence.ShouldBe(NewMemberWeight);
        _s.State.Recent.ShouldContain(r => r.Key == SignalKeys.NewMember && r.ContactId == Raj);
    }

    [Fact]
    public void Given_a_stream_written_with_a_joined_event_for_the_signals_own_person_When_replayed_Then_it_reads_as_the_signal_recording_them_does()
    {
        var first = _s.When(_s.Page("blog", Kim));
        var second = _s.When(_s.Page("blog", Raj));
        var recorded = second.ShouldHaveOne<SignalRecorded>();
        // The shape streams had until the evening of 2026-11-22: the signal without the key, then an event for Raj joining.
        var old = first.Append(recorded with { Keys = ["page:blog"], Evidence = Engagement.EvidenceFor(["page:blog"], _s.Playbook) })
            .Append(new BuyingGroupMemberJoined(AccountId, recorded.OccurredAt, recorded.SignalId, Raj, "web") { Evidence = Engagement.EvidenceFor([SignalKeys.NewMember], _s.Playbook) });

        var replayed = old.Aggregate(AccountJourney.Empty(AccountId), JourneyDecider.Evolve);

        replayed.BuyingGroup.Keys.ShouldBe(_s.State.BuyingGroup.Keys, ignoreOrder: true);
        replayed.Job(BuyingJobs.ConsensusCreation).Evidence.ShouldBe(_s.State.Job(BuyingJobs.ConsensusCreation).Evidence);
        replayed.Recent.Count(r => r.Key == SignalKeys.NewMember && r.ContactId == Raj).ShouldBe(1);
    }

    [Fact]
    public void Given_three_people_have_joined_When_a_meeting_brings_a_fourth_Then_their_joining_reaches_the_furthest_job_as_a_signals_own_person_does()
    {
        _s.Given(s => s.Page("blog", Kim), s => s.Page("blog", Raj), s => s.Page("blog", Mo), s => s.Page("blog", "lee@acme.com"));

        var events = _s.When(_s.Meeting("virtual", Kim, "sam@acme.com"));

        events.OfType<BuyingGroupMemberJoined>().ShouldHaveSingleItem().ContactId.ShouldBe("sam@acme.com");
        _s.State.FurthestJob.ShouldBe(BuyingJobs.ConsensusCreation);
        _s.State.LastProgressAt.ShouldBe(_s.Now);
    }

    [Fact]
    public void Given_three_people_have_joined_When_a_fourth_joins_Then_the_consensus_evidence_reaches_the_furthest_job_with_that_signal()
    {
        _s.Given(s => s.Page("blog", Kim), s => s.Page("blog", Raj), s => s.Page("blog", Mo), s => s.Page("blog", "lee@acme.com"));
        _s.State.Job(BuyingJobs.ConsensusCreation).Evidence.ShouldBeLessThan(_s.Playbook.Focus.FurthestMinEvidence);

        _s.When(_s.Page("blog", "sam@acme.com"));

        _s.State.Job(BuyingJobs.ConsensusCreation).Evidence.ShouldBe(4 * NewMemberWeight);
        _s.State.FurthestJob.ShouldBe(BuyingJobs.ConsensusCreation, "the joining is the signal's own evidence, so it counts as the signal is recorded");
    }

    [Fact]
    public void Given_a_known_contact_When_they_engage_again_or_someone_anonymous_does_Then_nobody_joins()
    {
        _s.Given(s => s.Page("blog", Kim));

        var events = _s.When(_s.Page("docs", Kim)).Concat(_s.When(_s.Page("docs", null)));

        events.OfType<BuyingGroupMemberJoined>().ShouldBeEmpty();
        events.OfType<SignalRecorded>().ShouldAllBe(e => !e.Keys.Contains(SignalKeys.NewMember));
        _s.State.BuyingGroup.Count.ShouldBe(1);
        _s.State.BuyingGroup[Kim].Signals.ShouldBe(2);
    }

    [Fact]
    public void Given_a_member_on_the_web_When_they_chat_Then_both_channels_are_on_their_record()
    {
        _s.Given(s => s.Page("blog", Kim));

        _s.When(_s.Chat(Kim, "pricing"));

        ChannelBits.Names(_s.State.BuyingGroup[Kim].Channels).ShouldBe(["web", "chat"]);
    }

    [Fact]
    public void Given_kim_is_known_When_a_meeting_is_held_with_raj_and_mo_Then_both_join_on_the_meeting_channel()
    {
        _s.Given(s => s.Page("blog", Kim));

        var events = _s.When(_s.Meeting("virtual", Raj, Mo));

        // Raj is the signal's own person: the signal records him joining; Mo, another attendee, joins by an event.
        events.ShouldHaveOne<SignalRecorded>().Keys.ShouldContain(SignalKeys.NewMember);
        events.OfType<BuyingGroupMemberJoined>().Select(j => j.ContactId).ShouldBe([Mo]);
        events.OfType<BuyingGroupMemberJoined>().ShouldAllBe(j => j.Evidence.Count == 1);
        ChannelBits.Names(_s.State.BuyingGroup[Raj].Channels).ShouldBe(["meeting"]);
        ChannelBits.Names(_s.State.BuyingGroup[Mo].Channels).ShouldBe(["meeting"]);
        _s.State.Job(BuyingJobs.ConsensusCreation).Evidence.ShouldBe(2 * NewMemberWeight);
    }

    [Fact]
    public void Given_a_crm_update_When_it_is_recorded_Then_the_stream_facts_override_the_directory()
    {
        _s.When(_s.Crm(new ProfileOverrides("Acme GmbH", Bo, "amer", "mid_market", 5_000_000m, "2")));

        var profile = _s.Directory.With(_s.State.Overrides);
        profile.ShouldBe(new AccountProfile(AccountId, "Acme GmbH", Bo, "amer", "mid_market", "2", 5_000_000m));
        _s.State.BuyingGroup.ShouldBeEmpty();
    }

    [Fact]
    public void Given_several_events_When_each_is_folded_Then_the_version_counts_them()
    {
        var events = _s.When(_s.Page("pricing", Kim)).Concat(_s.When(_s.Page("docs", Raj))).ToList();

        _s.State.Version.ShouldBe(events.Count);
        _s.State.SignalCount.ShouldBe(2);
    }
}
