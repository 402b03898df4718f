using DemandCenter.Host.Simulator;
using DemandCenter.Contracts;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests.Hub;

/// <summary>The Hub with the real Journey service: a signal becomes a prompt, the seller's action is confirmed by the account's stream, the board follows.</summary>
public sealed class HubJourneyPathTests(DemandTestHost host) : IClassFixture<DemandTestHost>
{
    private static byte[] ContactSalesForm(string id, string email) =>
        CloudEvents.Event("web.form.submitted", id, new { email, formKind = "contact_sales", formId = "contact" });

    [Fact]
    public async Task A_form_prompts_the_owner_who_accepts_and_completes_it_while_the_board_follows_and_reassigns()
    {
        await using var tab1 = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", await host.TokenAsync("ben"));
        await using var tab2 = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", await host.TokenAsync("ben"));
        await using var sol = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", await host.TokenAsync("sol"));
        await using var board = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/board?frames=batched", await host.TokenAsync("olga"));
        await board.NextAsync("boardSnapshot", HubClientExtensions.Deadline);
        var id = Guid.NewGuid().ToString("n");
        var signalId = SignalIds.For(CloudEvents.Source, id).ToString();

        await host.PublishAsync(Topics.SignalsWeb, "umbrella.com", ContactSalesForm(id, "alice@umbrella.com"));

        var prompt = await tab1.NextWhereAsync("promptReceived", p => p["evidence"]!.AsArray().Any(e => e!.Str("signalId") == signalId));
        prompt.Str("sellerId").ShouldBe("ben");
        var promptId = prompt.Str("promptId");
        await board.NextWhereAsync("accountsChanged", cards => cards.AsArray().Any(c => c!.Str("accountId") == "umbrella.com"));

        var accepted = (await tab1.InvokeAsync("accept", promptId))!;
        accepted.Str("status").ShouldBe(PromptStatus.Accepted);
        (await tab2.NextWhereAsync("promptUpdated", u => u.Str("promptId") == promptId && u.Str("status") == PromptStatus.Accepted))
            .Str("commandId").ShouldBe(accepted.Str("commandId"));
        var caught = (await tab2.InvokeAsync("catchUp", prompt["sequence"]!.GetValue<long>()))!.AsArray();
        caught.Single(p => p!.Str("promptId") == promptId)!.Str("status").ShouldBe(PromptStatus.Accepted);

        var moved = (await board.InvokeAsync("reassignPrompt", promptId, "ana"))!;
        moved["prompt"]!.Str("sellerId").ShouldBe("ana");
        (await tab1.NextWhereAsync("promptUpdated", u => u.Str("promptId") == promptId && u["prompt"]!.Str("sellerId") == "ana")).Str("previousSellerId").ShouldBe("ben");
        (await Should.ThrowAsync<HubInvocationException>(() => tab1.InvokeAsync("complete", promptId, PromptOutcomes.Connected))).Message.ShouldContain("Not your prompt");
        sol.Received.ShouldNotContain(m => m.ToJsonString().Contains(promptId, StringComparison.Ordinal));

        await using var ana = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", await host.TokenAsync("ana"));
        var completed = (await ana.InvokeAsync("complete", promptId, PromptOutcomes.MeetingBooked))!;
        completed.Str("status").ShouldBe(PromptStatus.Completed);
        completed["prompt"]!.Str("outcome").ShouldBe(PromptOutcomes.MeetingBooked);
        (await Should.ThrowAsync<HubInvocationException>(() => ana.InvokeAsync("accept", promptId))).Message.ShouldContain("Refused");
    }
}
