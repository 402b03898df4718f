using System.Text.Json;
using System.Text.Json.Nodes;
using DemandCenter.Contracts;
using DemandCenter.Journey.Domain;
using static DemandCenter.Unit.Tests.Journey.JourneyScenario;

namespace DemandCenter.Unit.Tests.Journey;

/// <summary>
/// An account's state as a snapshot holds it (its JSON with <see cref="ContractJson.Stored"/>, as the store's snapshots are written): the hours
/// that have counts rather than all 168 of them, the prompts once, and snapshots of the shape written before read the same.
/// </summary>
public sealed class SnapshotShapeTests
{
    private readonly JourneyScenario _s = new();

    private static JsonObject Json(AccountJourney state) => JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(state, ContractJson.Stored))!.AsObject();

    private static AccountJourney Read(JsonNode json) => json.Deserialize<AccountJourney>(ContractJson.Stored)!;

    /// <summary>Kim replies twice and Raj asks for sales, on Monday 23 November at 10:00 UTC (hour 10 of the week): a call is due.</summary>
    private void KimRepliesAndAsksForSales()
    {
        _s.When(_s.Reply("positive", Kim));
        _s.When(_s.Reply("positive", Kim));
        _s.When(_s.Form("contact_sales", Raj));
    }

    [Fact]
    public void Given_a_member_active_in_one_hour_When_the_state_is_written_Then_only_that_hour_is_and_the_prompts_are_written_once()
    {
        KimRepliesAndAsksForSales();

        var json = Json(_s.State);

        json["buyingGroup"]![Kim]!["hours"]!.ToJsonString().ShouldBe("""{"10":6}""", "two replies, weighing three each");
        json["hours"]!.AsObject().Select(h => h.Key).ShouldBe(["10"]);
        json["prompts"]!.AsObject().Count.ShouldBe(_s.State.Prompts.Count);
        _s.State.Prompts.ShouldNotBeEmpty();
        json.ContainsKey("activePrompts").ShouldBeFalse();
    }

    [Fact]
    public void Given_a_state_When_written_and_read_back_Then_it_is_the_same()
    {
        KimRepliesAndAsksForSales();

        var back = Read(Json(_s.State));

        Json(back).ToJsonString().ShouldBe(Json(_s.State).ToJsonString());
        back.BuyingGroup[Kim].Hours[10].ShouldBe(6);
        back.BuyingGroup[Kim].Hours.Total.ShouldBe(6);
        back.Hours[11].ShouldBe(0);
        back.ActivePrompts.Select(p => p.PromptId).ShouldBe(_s.State.ActivePrompts.Select(p => p.PromptId), ignoreOrder: true);
        back.ActivePrompts.ShouldContain(p => p.Action == PromptActions.Call);
    }

    [Fact]
    public void Given_a_snapshot_written_before_with_every_hour_and_the_prompts_twice_When_read_Then_the_state_is_the_same()
    {
        KimRepliesAndAsksForSales();
        var now = Json(_s.State);
        // The shape snapshots were written in until 2026-11-23: each histogram as {"counts": [168 numbers], "total": n},
        // and the active prompts again, as a list.
        var before = now.DeepClone().AsObject();
        before["hours"] = Dense(_s.State.Hours);
        foreach (var (contact, member) in _s.State.BuyingGroup)
        {
            before["buyingGroup"]![contact]!["hours"] = Dense(member.Hours);
        }

        before["activePrompts"] = new JsonArray([.. now["prompts"]!.AsObject().Select(p => p.Value!.DeepClone())]);
        before.ToJsonString().Length.ShouldBeGreaterThan(now.ToJsonString().Length + (3 * 300), "the old shape is the longer one");

        Json(Read(before)).ToJsonString().ShouldBe(now.ToJsonString());
    }

    [Fact]
    public void Given_an_empty_histogram_in_either_shape_When_read_Then_it_counts_nothing()
    {
        var state = Json(AccountJourney.Empty(AccountId));
        state["hours"]!.ToJsonString().ShouldBe("{}");
        state["hours"] = JsonNode.Parse("""{"counts":[],"total":0}""");

        Read(state).Hours.Total.ShouldBe(0);
    }

    private static JsonObject Dense(HourHistogram histogram) => new()
    {
        ["counts"] = new JsonArray([.. Enumerable.Range(0, HourHistogram.Hours).Select(h => (JsonNode)histogram[h])]),
        ["total"] = histogram.Total,
    };
}
