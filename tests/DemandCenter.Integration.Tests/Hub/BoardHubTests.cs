using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using DemandCenter.Host.Simulator;
using DemandCenter.Contracts;
using DemandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DemandCenter.Integration.Tests.Hub;

/// <summary>/hubs/board: snapshot then coalesced deltas, the load panel and flow, reassignment by orchestrators.</summary>
[Collection(HubCollection.Name)]
public sealed class BoardHubTests(HubHost host)
{
    private static string NewAccount() => "board-" + Guid.NewGuid().ToString("n")[..8] + ".com";

    private static bool Has(JsonNode cards, string accountId, long version) =>
        cards.AsArray().Any(c => c!.Str("accountId") == accountId && c!["version"]!.GetValue<long>() == version);

    [Fact]
    public async Task Sellers_cannot_join_the_board()
    {
        await Should.ThrowAsync<WebSocketException>(async () => await host.BoardAsync("ana"));
        await Should.ThrowAsync<WebSocketException>(() => HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/board", accessToken: null));
    }

    [Fact]
    public async Task A_new_board_client_gets_a_snapshot_with_the_latest_cards_then_deltas()
    {
        var account = NewAccount();
        await using var first = await host.BoardAsync();
        await first.NextAsync("boardSnapshot", HubClientExtensions.Deadline);
        await host.Journey.PublishCardAsync(ScriptedJourney.Card(account, BuyingJobs.ProblemIdentification, 1));
        await first.NextWhereAsync("accountsChanged", cards => Has(cards, account, 1));

        await using var second = await host.BoardAsync();
        var snapshot = await second.NextAsync("boardSnapshot", HubClientExtensions.Deadline);
        Has(snapshot!, account, 1).ShouldBeTrue();
        (await second.NextAsync("loadChanged", HubClientExtensions.Deadline))!["sellers"]!.AsArray().ShouldNotBeEmpty();

        await host.Journey.PublishCardAsync(ScriptedJourney.Card(account, BuyingJobs.SolutionExploration, 2, previousFocus: BuyingJobs.ProblemIdentification));
        var delta = await second.NextWhereAsync("accountsChanged", cards => Has(cards, account, 2));
        delta.AsArray().Single(c => c!.Str("accountId") == account)!.Str("focusJob").ShouldBe(BuyingJobs.SolutionExploration);
    }

    [Fact]
    public async Task A_client_that_did_not_ask_for_frames_gets_the_contracts_accountChanged_per_card()
    {
        var account = NewAccount();
        await using var board = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/board", await host.TokenAsync("olga"));
        await board.NextAsync("boardSnapshot", HubClientExtensions.Deadline);

        await host.Journey.PublishCardAsync(ScriptedJourney.Card(account, BuyingJobs.Validation, 1));

        var card = await board.NextWhereAsync("accountChanged", c => c.Str("accountId") == account);
        card.Str("focusJob").ShouldBe(BuyingJobs.Validation);
        board.Received.ShouldNotContain(m => m.Str("target") == "accountsChanged");
    }

    [Fact]
    public async Task A_burst_of_changes_is_coalesced_into_a_few_frames_holding_the_latest_card()
    {
        var account = NewAccount();
        await using var board = await host.BoardAsync();
        await board.NextAsync("boardSnapshot", HubClientExtensions.Deadline);
        const int Changes = 60;
        var clock = Stopwatch.StartNew();

        host.PublishMany(Topics.Board, Enumerable.Range(1, Changes).Select(v => (account, ContractJson.Serialize(ScriptedJourney.Card(account, BuyingJobs.All[v % 6], v)))));
        await board.NextWhereAsync("accountsChanged", cards => Has(cards, account, Changes));
        var elapsed = clock.Elapsed;

        var frames = board.Received.Where(m => m.Str("target") == "accountsChanged")
            .Select(m => m["arguments"]![0]!.AsArray().Where(c => c!.Str("accountId") == account).ToList())
            .Where(f => f.Count > 0).ToList();
        frames.ShouldAllBe(f => f.Count == 1, "one card per account per frame");
        frames.Count.ShouldBeLessThan(Changes / 4);
        // One frame per 250 ms at most, whatever the rate of changes (plus the frame that was already due).
        board.Received.Count(m => m.Str("target") == "accountsChanged").ShouldBeLessThanOrEqualTo((int)(elapsed / TimeSpan.FromMilliseconds(250)) + 2);
    }

    [Fact]
    public async Task Focus_moves_show_in_the_last_hours_flow()
    {
        var account = NewAccount();
        await using var board = await host.BoardAsync();
        await host.Journey.PublishCardAsync(ScriptedJourney.Card(account, BuyingJobs.RequirementsBuilding, 1));
        await host.Journey.PublishCardAsync(ScriptedJourney.Card(account, BuyingJobs.ConsensusCreation, 2));

        var load = await board.NextWhereAsync("loadChanged", l => l["flow"]!.AsArray().Any(f =>
            f!["from"]?.GetValue<string>() == BuyingJobs.RequirementsBuilding && f.Str("to") == BuyingJobs.ConsensusCreation));
        load["flow"]!.AsArray().Single(f => f!["from"]?.GetValue<string>() == BuyingJobs.RequirementsBuilding && f.Str("to") == BuyingJobs.ConsensusCreation)!["count"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task The_load_panel_counts_open_overdue_and_unassigned_prompts_against_capacity()
    {
        using var olga = await host.ClientForAsync("olga");
        var before = await LoadAsync(olga);
        await host.Journey.RaiseAsync("sol", "acme.com", PromptRoles.Solutions);
        await host.Journey.RaiseAsync("sol", "acme.com", PromptRoles.Solutions, dueBy: DateTimeOffset.UtcNow.AddHours(-1));
        await host.Journey.RaiseAsync(PromptPools.FeedOf(PromptRoles.Solutions), "globex.com", PromptRoles.Solutions);

        await Wait.UntilAsync(async () => Seller(await LoadAsync(olga), "sol")["open"]!.GetValue<int>() == Seller(before, "sol")["open"]!.GetValue<int>() + 2,
            HubClientExtensions.Deadline, "sol's two prompts in the load");
        var load = await LoadAsync(olga);
        var sol = Seller(load, "sol");
        sol["overdue"]!.GetValue<int>().ShouldBe(Seller(before, "sol")["overdue"]!.GetValue<int>() + 1);
        var roster = host.Services.GetRequiredService<IOptionsMonitor<RosterOptions>>().CurrentValue;
        sol["capacity"]!.GetValue<int>().ShouldBe(roster.Person("sol")!.Capacity);
        var solutions = load["roles"]!.AsArray().Single(r => r!.Str("key") == PromptRoles.Solutions)!;
        solutions["unassigned"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(1);
        solutions["active"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(3);
        load["territories"]!.AsArray().Select(t => t!.Str("key")).ShouldContain("emea");

        using var ana = await host.ClientForAsync("ana");
        (await ana.GetAsync(new Uri("/api/v1/board/load", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_orchestrator_reassigns_a_prompt_and_both_sellers_hear_it()
    {
        await using var ana = await host.SellerAsync("ana");
        await using var ben = await host.SellerAsync("ben");
        await using var board = await host.BoardAsync();
        var prompt = await host.Journey.RaiseAsync("ana", "acme.com");

        var update = (await board.InvokeAsync("reassignPrompt", prompt.PromptId, "ben"))!;

        update["prompt"]!.Str("sellerId").ShouldBe("ben");
        update.Str("previousSellerId").ShouldBe("ana");
        var command = host.Journey.Commands.Single(c => c.CommandId == Guid.Parse(update.Str("commandId")));
        (command.Kind, command.ActorId, command.ToSellerId, command.ByOrchestrator).ShouldBe((JourneyCommandKinds.ReassignPrompt, "olga", "ben", true));
        (await ana.NextPromptAsync("promptUpdated", prompt.PromptId)).Str("previousSellerId").ShouldBe("ana");
        (await ben.NextPromptAsync("promptUpdated", prompt.PromptId))["prompt"]!.Str("sellerId").ShouldBe("ben");
        (await ben.InvokeAsync("accept", prompt.PromptId))!.Str("status").ShouldBe(PromptStatus.Accepted);
    }

    [Fact]
    public async Task Reassignment_checks_the_target_and_the_seller_hub_offers_no_reassignment()
    {
        await using var board = await host.BoardAsync();
        await using var ana = await host.SellerAsync("ana");
        var prompt = await host.Journey.RaiseAsync("ana", "initech.com");

        (await Should.ThrowAsync<HubInvocationException>(() => board.InvokeAsync("reassignPrompt", prompt.PromptId, "olga"))).Message.ShouldContain("not a seller");
        (await Should.ThrowAsync<HubInvocationException>(() => board.InvokeAsync("reassignPrompt", prompt.PromptId, "ana"))).Message.ShouldContain("already with");
        (await Should.ThrowAsync<HubInvocationException>(() => board.InvokeAsync("reassignAccount", "nobody.example", "ben"))).Message.ShouldContain("No account");
        await Should.ThrowAsync<HubInvocationException>(() => ana.InvokeAsync("reassignPrompt", prompt.PromptId, "ana"));
        host.Journey.Commands.ShouldNotContain(c => c.PromptId == prompt.PromptId);
    }

    [Fact]
    public async Task Reassigning_an_account_without_open_prompts_is_confirmed_by_its_new_card()
    {
        var account = NewAccount();
        await using var board = await BoardShowingAsync(account);

        var result = (await board.InvokeAsync("reassignAccount", account.ToUpperInvariant(), "ben"))!;

        result.Str("accountId").ShouldBe(account);
        result["card"]!.Str("ownerSellerId").ShouldBe("ben");
        host.Journey.Commands.ShouldContain(c => c.Kind == JourneyCommandKinds.ReassignAccount && c.AccountId == account && c.ToSellerId == "ben" && c.ByOrchestrator);
    }

    [Fact]
    public async Task An_account_reassignment_the_Journey_refuses_fails_at_once_with_its_reason()
    {
        var account = NewAccount();
        await using var board = await BoardShowingAsync(account);
        host.Journey.RefuseAccount(account, "'ben' is not a seller.");

        var refused = await Should.ThrowAsync<HubInvocationException>(() => board.InvokeAsync("reassignAccount", account, "ben"));

        refused.Message.ShouldContain("Refused: 'ben' is not a seller.");
    }

    /// <summary>A board connection that has received the account's card (ana's, focus on validation).</summary>
    private async Task<HubProtocolClient> BoardShowingAsync(string account)
    {
        var board = await host.BoardAsync();
        try
        {
            await host.Journey.PublishCardAsync(ScriptedJourney.Card(account, BuyingJobs.Validation, 1, owner: "ana"));
            await board.NextWhereAsync("accountsChanged", cards => Has(cards, account, 1));
            return board;
        }
        catch
        {
            await board.DisposeAsync();
            throw;
        }
    }

    private static async Task<JsonNode> LoadAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonNode>(new Uri("/api/v1/board/load", UriKind.Relative)))!;

    private static JsonNode Seller(JsonNode load, string id) => load["sellers"]!.AsArray().Single(s => s!.Str("sellerId") == id)!;
}
