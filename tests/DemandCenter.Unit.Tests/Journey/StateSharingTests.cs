using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using static DemandCenter.Unit.Tests.Journey.JourneyScenario;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>
/// The hot state shares what does not change from signal to signal (one instance of each type, channel, key and
/// summary, the member's own id, a full hour's histogram) and makes one copy of itself per event, while reading exactly
/// as it did when every signal brought its own.
/// </summary>
public sealed class StateSharingTests
{
    private readonly JourneyScenario _s = new();

    /// <summary>A page view as a signal read from JSON brings it: every string its own instance.</summary>
    private RecordSignal FreshPage(string category, string contact) =>
        _s.Signal(Copy(SignalTypes.PageViewed), Copy("web"), Copy(contact), Copy(category));

    private static string Copy(string value) => new(value.AsSpan());

    [Fact]
    public void Given_two_page_views_read_from_json_When_decided_Then_their_recent_entries_share_one_type_channel_key_summary_and_contact()
    {
        _s.When(FreshPage("pricing", Kim));
        _s.When(FreshPage("pricing", Kim));

        var (first, second) = (_s.State.Recent[^2], _s.State.Recent[^1]);
        first.SignalId.ShouldNotBe(second.SignalId);
        second.Key.ShouldBe("page:pricing");
        second.Summary.ShouldBe("pricing page");
        ReferenceEquals(first.Type, second.Type).ShouldBeTrue("the type");
        ReferenceEquals(first.Channel, second.Channel).ShouldBeTrue("the channel");
        ReferenceEquals(first.Key, second.Key).ShouldBeTrue("the key");
        ReferenceEquals(first.Summary, second.Summary).ShouldBeTrue("the summary");
        ReferenceEquals(first.ContactId, second.ContactId).ShouldBeTrue("the contact");
        ReferenceEquals(second.ContactId, _s.State.BuyingGroup.Keys.Single()).ShouldBeTrue("the member's own id");
    }

    [Fact]
    public void Given_an_hour_at_its_limit_When_another_signal_falls_in_it_Then_the_histogram_is_the_same_one()
    {
        var hours = HourHistogram.Empty;
        for (var i = 0; i < byte.MaxValue; i++)
        {
            hours = hours.Add(Start);
        }

        hours[HourHistogram.HourOfWeek(Start)].ShouldBe(byte.MaxValue);
        hours.Add(Start).ShouldBeSameAs(hours);
        hours.Add(Start.AddHours(1)).ShouldNotBeSameAs(hours);
        hours.Add(Start.AddHours(1))[HourHistogram.HourOfWeek(Start) + 1].ShouldBe(1);
    }

    [Fact]
    public void Given_a_full_recent_list_When_a_chat_with_three_intents_arrives_Then_the_oldest_three_go_and_its_keys_come_last_in_order()
    {
        for (var i = 0; i < AccountJourney.RecentCapacity; i++)
        {
            _s.When(_s.Page("blog"));
        }

        var before = _s.State.Recent;
        _s.When(_s.Chat(Kim, "pricing", "security", "timeline"));

        _s.State.Recent.Length.ShouldBe(AccountJourney.RecentCapacity);
        _s.State.Recent.Take(AccountJourney.RecentCapacity - 3).ShouldBe(before.Skip(3));
        _s.State.Recent.TakeLast(3).Select(r => r.Key).ShouldBe(["chat:pricing", "chat:security", "chat:timeline"]);
        _s.State.Recent.TakeLast(3).Select(r => r.Summary).Distinct().ShouldBe(["chat about pricing, security, timeline"]);
    }

    [Fact]
    public void Given_signals_When_each_event_is_folded_Then_the_version_counts_the_events()
    {
        var events = new List<JourneyEvent>();
        events.AddRange(_s.When(FreshPage("pricing", Kim)));
        events.AddRange(_s.When(_s.Meeting("virtual", Raj, Mo)));
        events.AddRange(_s.When(_s.Crm(new ProfileOverrides("Acme Inc", null, null, null, null, null))));

        events.Select(e => e.GetType()).ShouldContain(typeof(BuyingGroupMemberJoined));
        events.Select(e => e.GetType()).ShouldContain(typeof(AccountProfileUpdated));
        _s.State.Version.ShouldBe(events.Count);
        events.Aggregate(AccountJourney.Empty(AccountId), JourneyDecider.Evolve).Version.ShouldBe(events.Count);
    }
}
