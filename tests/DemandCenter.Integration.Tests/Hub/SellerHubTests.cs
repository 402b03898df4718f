using Microsoft.Extensions.DependencyInjection;
using DemandCenter.Contracts;
using DemandCenter.Host.Simulator;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests.Hub;

/// <summary>Seller actions through /hubs/sellers: confirmed by the Journey, seen by every tab, refused when not the seller's.</summary>
[Collection(HubCollection.Name)]
public sealed class SellerHubTests(HubHost host)
{
    [Fact]
    public async Task Accepting_returns_the_confirmed_update_and_the_sellers_other_tab_sees_it()
    {
        await using var tab1 = await host.SellerAsync("ana");
        await using var tab2 = await host.SellerAsync("ana");
        var prompt = await host.Journey.RaiseAsync("ana", "acme.com");
        await tab1.NextPromptAsync("promptReceived", prompt.PromptId);
        await tab2.NextPromptAsync("promptReceived", prompt.PromptId);

        var update = (await tab1.InvokeAsync("accept", prompt.PromptId))!;

        update.Str("status").ShouldBe(PromptStatus.Accepted);
        update["prompt"]!["sequence"]!.GetValue<long>().ShouldBeGreaterThan(prompt.Sequence);
        var command = host.Journey.Commands.Single(c => c.CommandId == Guid.Parse(update.Str("commandId")));
        (command.Kind, command.ActorId, command.AccountId, command.PromptId, command.ByOrchestrator).ShouldBe((JourneyCommandKinds.Accept, "ana", "acme.com", prompt.PromptId, false));
        var seen = await tab2.NextPromptAsync("promptUpdated", prompt.PromptId);
        seen.Str("status").ShouldBe(PromptStatus.Accepted);
        seen.Str("commandId").ShouldBe(update.Str("commandId"));
    }

    [Fact]
    public async Task A_seller_cannot_act_on_another_sellers_prompt_nor_probe_ids()
    {
        await using var ana = await host.SellerAsync("ana");
        var bens = await host.Journey.RaiseAsync("ben", "globex.com");

        var forged = await Should.ThrowAsync<HubInvocationException>(() => ana.InvokeAsync("complete", bens.PromptId, PromptOutcomes.Connected));
        var unknown = await Should.ThrowAsync<HubInvocationException>(() => ana.InvokeAsync("accept", Guid.NewGuid().ToString()));
        var malformed = await Should.ThrowAsync<HubInvocationException>(() => ana.InvokeAsync("accept", "'; drop table prompts; --"));

        forged.Message.ShouldContain("Not your prompt");
        unknown.Message.ShouldContain("Not your prompt");
        malformed.Message.ShouldContain("Not your prompt");
        host.Journey.Commands.ShouldNotContain(c => c.PromptId == bens.PromptId, "no command is sent for a refused action");
        (await host.ScalarAsync<string>("SELECT status FROM demand.prompts WHERE prompt_id = @id", ("id", Guid.Parse(bens.PromptId)))).ShouldBe(PromptStatus.Open);
        ana.Received.ShouldNotContain(m => m.ToJsonString().Contains(bens.PromptId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pool_prompt_reaches_the_pools_specialists_only_and_one_of_them_takes_it()
    {
        await using var pia = await host.SellerAsync("pia");
        await using var pat = await host.SellerAsync("pat");
        await using var sol = await host.SellerAsync("sol");
        var pooled = await host.Journey.RaiseAsync(PromptPools.FeedOf(PromptRoles.Pricing), "initech.com", PromptRoles.Pricing);
        await pia.NextPromptAsync("promptReceived", pooled.PromptId);
        await pat.NextPromptAsync("promptReceived", pooled.PromptId);

        (await Should.ThrowAsync<HubInvocationException>(() => sol.InvokeAsync("accept", pooled.PromptId))).Message.ShouldContain("Not your prompt");
        var taken = (await pia.InvokeAsync("accept", pooled.PromptId))!;

        taken["prompt"]!.Str("sellerId").ShouldBe("pia");
        taken.Str("previousSellerId").ShouldBe(PromptPools.FeedOf(PromptRoles.Pricing));
        // The pool's other member hears it left the pool, so it leaves their inbox too.
        (await pat.NextPromptAsync("promptUpdated", pooled.PromptId))["prompt"]!.Str("sellerId").ShouldBe("pia");
        sol.Received.ShouldNotContain(m => m.ToJsonString().Contains(pooled.PromptId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Arguments_are_checked_before_anything_is_sent()
    {
        await using var ben = await host.SellerAsync("ben");
        var prompt = await host.Journey.RaiseAsync("ben", "umbrella.com");

        (await Should.ThrowAsync<HubInvocationException>(() => ben.InvokeAsync("dismiss", prompt.PromptId, "meh"))).Message.ShouldContain("not_relevant");
        (await Should.ThrowAsync<HubInvocationException>(() => ben.InvokeAsync("complete", prompt.PromptId, "won_the_lottery"))).Message.ShouldContain("meeting_booked");
        (await Should.ThrowAsync<HubInvocationException>(() => ben.InvokeAsync("snooze", prompt.PromptId, DateTimeOffset.UtcNow.AddMinutes(-1)))).Message.ShouldContain("30 days");
        (await Should.ThrowAsync<HubInvocationException>(() => ben.InvokeAsync("snooze", prompt.PromptId, DateTimeOffset.UtcNow.AddDays(31)))).Message.ShouldContain("30 days");
        host.Journey.Commands.ShouldNotContain(c => c.PromptId == prompt.PromptId);

        var until = DateTimeOffset.UtcNow.AddDays(1);
        var snoozed = (await ben.InvokeAsync("snooze", prompt.PromptId, until))!;
        snoozed.Str("status").ShouldBe(PromptStatus.Snoozed);
        snoozed["prompt"]!["snoozedUntil"]!.GetValue<DateTimeOffset>().ShouldBe(until, TimeSpan.FromMilliseconds(1));
        var dismissed = (await ben.InvokeAsync("dismiss", prompt.PromptId, "already_in_contact"))!;
        dismissed["prompt"]!.Str("dismissReason").ShouldBe("already_in_contact");
    }

    [Fact]
    public async Task A_refusal_by_the_journey_and_a_missing_answer_reach_the_seller_as_clear_errors()
    {
        await using var ana = await host.SellerAsync("ana");
        var refused = await host.Journey.RaiseAsync("ana", "initech.com");
        var unanswered = await host.Journey.RaiseAsync("ana", "initech.com");
        host.Journey.Refuse(refused.PromptId, "the prompt was already completed");
        host.Journey.Ignore(unanswered.PromptId);

        (await Should.ThrowAsync<HubInvocationException>(() => ana.InvokeAsync("accept", refused.PromptId))).Message.ShouldContain("Refused: the prompt was already completed");
        (await Should.ThrowAsync<HubInvocationException>(() => ana.InvokeAsync("accept", unanswered.PromptId))).Message.ShouldContain("not confirmed in time");
        host.Services.GetRequiredService<DemandCenter.Hub.Commands.JourneyCommands>().Pending.ShouldBe(0, "nothing left waiting");
    }

    [Fact]
    public async Task Actions_beyond_the_burst_are_refused_while_catch_up_is_not_limited()
    {
        await using var rita = await host.SellerAsync("rita");
        var prompt = await host.Journey.RaiseAsync("rita", "acme.com");

        var outcomes = new List<string>();
        for (var i = 0; i < HubHost.ActionBurst + 4; i++)
        {
            var error = await Should.ThrowAsync<HubInvocationException>(() => rita.InvokeAsync("dismiss", prompt.PromptId, "no_such_reason"));
            outcomes.Add(error.Message);
        }

        outcomes.Count(m => m.Contains("Too many actions", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(3);
        outcomes.Take(HubHost.ActionBurst - 1).ShouldAllBe(m => m.Contains("Unknown dismiss reason", StringComparison.Ordinal));
        (await rita.InvokeAsync("catchUp", 0))!.AsArray().ShouldContain(p => p!.Str("promptId") == prompt.PromptId);
    }
}
