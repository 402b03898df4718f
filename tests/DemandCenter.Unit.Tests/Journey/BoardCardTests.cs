using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Model;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>When the live board hears about an account: measured against the card it was last sent.</summary>
public sealed class BoardCardTests
{
    private readonly JourneyScenario _s = new();

    private BoardCard Card() => BoardCards.Of(_s.State, _s.Directory, Scoring.Of(_s.State, _s.Now, _s.Playbook));

    [Fact]
    public void Given_the_board_holds_an_engaged_accounts_card_When_engagement_decays_a_little_each_day_Then_a_frame_goes_out_once_the_days_add_up_to_a_step()
    {
        _s.Given(s => s.Page("pricing"), s => s.Page("comparison"), s => s.Page("trial"), s => s.Page("pricing"), s => s.Page("comparison"), s => s.Page("trial"));
        var held = Card();
        var yesterday = held;
        var sentOnDays = new List<int>();
        for (var day = 1; day <= 6; day++) // Within the week, so surge does not fall off its window at once.
        {
            _s.After(TimeSpan.FromDays(1));
            var today = Card();
            // Each day's own move is below a step: compared with the day before, the board would never hear of it.
            BoardCards.Moved(yesterday, today).ShouldBeFalse($"day {day}: {yesterday.Scores} -> {today.Scores}");
            yesterday = today;

            var (send, nowHeld) = BoardCards.Publish(held, today);
            if (send)
            {
                sentOnDays.Add(day);
                (held.Scores.Engagement - today.Scores.Engagement).ShouldBeGreaterThanOrEqualTo(BoardCards.ScoreStep);
            }

            nowHeld.ShouldBeSameAs(send ? today : held);
            held = nowHeld;
        }

        sentOnDays.Count.ShouldBeGreaterThanOrEqualTo(2);
        sentOnDays[0].ShouldBeGreaterThan(1);
    }

    [Fact]
    public void Given_no_card_was_sent_yet_Then_the_first_one_goes_out()
    {
        var (send, held) = BoardCards.Publish(null, Card());

        send.ShouldBeTrue();
        held.AccountId.ShouldBe(JourneyScenario.AccountId);
    }
}
