using DemandCenter.Contracts;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests.Hub;

/// <summary>catchUp(afterSequence): what a client that was away missed, its own and its pools' prompts, new and changed.</summary>
[Collection(HubCollection.Name)]
public sealed class CatchUpTests(HubHost host)
{
    private static List<string> Ids(System.Text.Json.Nodes.JsonNode? result) => result!.AsArray().Select(p => p!.Str("promptId")).ToList();

    [Fact]
    public async Task After_zero_returns_every_prompt_of_the_sellers_feeds_and_nobody_elses()
    {
        var own = await host.Journey.RaiseAsync("pia", "acme.com", PromptRoles.Pricing);
        var pooled = await host.Journey.RaiseAsync(PromptPools.FeedOf(PromptRoles.Pricing), "globex.com", PromptRoles.Pricing);
        var otherPool = await host.Journey.RaiseAsync(PromptPools.FeedOf(PromptRoles.Solutions), "globex.com", PromptRoles.Solutions);
        var others = await host.Journey.RaiseAsync("ben", "globex.com");
        await using var pia = await host.SellerAsync("pia");

        var all = (await pia.InvokeAsync("catchUp", 0))!.AsArray();

        Ids(all).ShouldContain(own.PromptId);
        Ids(all).ShouldContain(pooled.PromptId);
        Ids(all).ShouldNotContain(otherPool.PromptId);
        Ids(all).ShouldNotContain(others.PromptId);
        all.Select(p => p!["sequence"]!.GetValue<long>()).ShouldBeInOrder(SortDirection.Ascending);
        all.ShouldAllBe(p => p!.Str("sellerId") == "pia" || p!.Str("sellerId") == PromptPools.FeedOf(PromptRoles.Pricing));
    }

    [Fact]
    public async Task After_the_latest_returns_nothing_and_a_negative_sequence_counts_as_zero()
    {
        await using var sol = await host.SellerAsync("sol");
        var prompt = await host.Journey.RaiseAsync("sol", "initech.com", PromptRoles.Solutions);

        (await sol.InvokeAsync("catchUp", prompt.Sequence))!.AsArray().ShouldBeEmpty();
        (await sol.InvokeAsync("catchUp", long.MaxValue))!.AsArray().ShouldBeEmpty();
        Ids(await sol.InvokeAsync("catchUp", -5)).ShouldContain(prompt.PromptId);
    }

    [Fact]
    public async Task Changes_since_a_sequence_come_back_with_their_new_status_once()
    {
        await using var ben = await host.SellerAsync("ben");
        var first = await host.Journey.RaiseAsync("ben", "hooli.com");
        var second = await host.Journey.RaiseAsync("ben", "hooli.com");
        var mark = second.Sequence;

        await ben.InvokeAsync("complete", first.PromptId, PromptOutcomes.MeetingBooked);
        var missed = (await ben.InvokeAsync("catchUp", mark))!.AsArray();

        // The completed prompt is back (it changed after the mark) with its outcome; the untouched one is not.
        var changed = missed.Single(p => p!.Str("promptId") == first.PromptId)!;
        changed.Str("status").ShouldBe(PromptStatus.Completed);
        changed.Str("outcome").ShouldBe(PromptOutcomes.MeetingBooked);
        changed["sequence"]!.GetValue<long>().ShouldBeGreaterThan(mark);
        Ids(missed).ShouldNotContain(second.PromptId);
    }

    [Fact]
    public async Task A_client_that_was_disconnected_catches_up_on_what_was_raised_meanwhile()
    {
        var seen = await host.Journey.RaiseAsync("ana", "acme.com");
        var lastSeen = seen.Sequence;
        // Offline: nothing connected for ana while these arrive.
        var missed1 = await host.Journey.RaiseAsync("ana", "acme.com");
        var missed2 = await host.Journey.RaiseAsync("ana", "initech.com");

        await using var back = await host.SellerAsync("ana");
        var caught = Ids(await back.InvokeAsync("catchUp", lastSeen));

        caught.ShouldContain(missed1.PromptId);
        caught.ShouldContain(missed2.PromptId);
        caught.ShouldNotContain(seen.PromptId);
    }
}
