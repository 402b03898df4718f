using System.Net.Http.Headers;
using System.Text;
using DemandCenter.Host.Simulator;
using DemandCenter.Contracts;
using DemandCenter.Testing;
using Microsoft.Playwright;

namespace DemandCenter.EndToEnd.Tests;

/// <summary>The seller inbox in headless Chromium: prompts by push, actions confirmed by the server, catch-up, isolation.</summary>
[Collection(ScreensCollection.Name)]
public sealed class SellerInboxTests(ScreensHost host, Browser browser) : ScreenTests(host, browser)
{
    [Fact]
    public async Task The_owner_sees_a_prompt_arrive_with_its_reason_and_evidence_and_another_seller_does_not()
    {
        var ana = await SignInAsync("ana");
        var ben = await SignInAsync("ben");
        var account = await NewAccountAsync("ana");
        var kim = "kim@" + account;

        // Through the HTTP collector, as a marketing system would publish.
        var id = Guid.NewGuid().ToString("n");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/signals")
        {
            Content = new StringContent(Encoding.UTF8.GetString(
                CloudEvents.Event(SignalTypes.FormSubmitted, id, new { email = kim, anonymousId = "v-" + id, formKind = "contact_sales" })), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Host.ApiKey);
        (await Host.Http.SendAsync(request)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);

        var card = CallFor(ana, kim);
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator(".action")).ToHaveTextAsync("call");
        await Assertions.Expect(card.Locator(".account")).ToHaveTextAsync(NameOf(account));
        await Assertions.Expect(card.Locator(".reason")).ToContainTextAsync("contact sales form");
        await Assertions.Expect(card.Locator(".scores")).ToContainTextAsync("urgency");
        await card.Locator(".evidence summary").ClickAsync();
        await Assertions.Expect(card.Locator(".evidence li").First).ToContainTextAsync("web");

        // Ben's own prompt proves his page is live; Ana's prompt must never have reached it.
        var hank = "hank@" + await NewAccountAsync("ben", "amer");
        await AskForSalesAsync(hank);
        await Assertions.Expect(CallFor(ben, hank)).ToBeVisibleAsync();
        await Assertions.Expect(ben.Locator(".prompt", new() { HasText = kim })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_prompt_raised_before_sign_in_is_shown_by_catch_up()
    {
        var sam = "sam@" + await NewAccountAsync("ana");
        await AskForSalesAsync(sam);
        await PromptsStoredForAsync(sam);

        var ana = await SignInAsync("ana");

        await Assertions.Expect(CallFor(ana, sam)).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_seller_accepts_a_prompt_then_completes_it_with_an_outcome_and_the_server_records_both()
    {
        var ana = await SignInAsync("ana");
        var lee = "lee@" + await NewAccountAsync("ana");
        await AskForSalesAsync(lee);
        var card = CallFor(ana, lee);
        await Assertions.Expect(card).ToBeVisibleAsync();
        var promptId = await card.GetAttributeAsync("data-prompt-id");

        await card.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "accepted");
        (await StatusInStoreAsync(promptId!)).ShouldBe(PromptStatus.Accepted);
        await ScreenshotAsync(ana, "seller-inbox");

        await card.GetByRole(AriaRole.Button, new() { Name = "Complete…" }).ClickAsync();
        await card.GetByLabel("Outcome").SelectOptionAsync(PromptOutcomes.MeetingBooked);
        await card.GetByRole(AriaRole.Button, new() { Name = "Complete", Exact = true }).ClickAsync();

        await Assertions.Expect(card).ToHaveCountAsync(0);
        await ana.Locator("details.closed > summary").ClickAsync();
        await Assertions.Expect(ana.Locator("#closed-prompts .prompt", new() { HasText = lee })).ToContainTextAsync("completed: meeting booked");
        (await StatusInStoreAsync(promptId!)).ShouldBe(PromptStatus.Completed);
    }

    [Fact]
    public async Task Two_tabs_of_one_seller_stay_in_sync_when_one_snoozes_and_the_other_dismisses()
    {
        var first = await SignInAsync("ana");
        var second = await SignInOnAsync(await first.Context.NewPageAsync(), "ana");
        var mo = "mo@" + await NewAccountAsync("ana");
        await AskForSalesAsync(mo);
        await Assertions.Expect(CallFor(first, mo)).ToBeVisibleAsync();
        await Assertions.Expect(CallFor(second, mo)).ToBeVisibleAsync();

        var card = CallFor(first, mo);
        await card.GetByRole(AriaRole.Button, new() { Name = "Snooze…" }).ClickAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "4 hours" }).ClickAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "Snooze", Exact = true }).ClickAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-status", PromptStatus.Snoozed);
        // The other tab learns it from the server's push, not from the first tab: within a second of the confirmation.
        await Assertions.Expect(CallFor(second, mo)).ToHaveAttributeAsync("data-status", PromptStatus.Snoozed, new() { Timeout = 1_000 });

        var other = CallFor(second, mo);
        await other.GetByRole(AriaRole.Button, new() { Name = "Dismiss…" }).ClickAsync();
        await other.GetByLabel("Reason").SelectOptionAsync("bad_timing");
        await other.GetByRole(AriaRole.Button, new() { Name = "Dismiss", Exact = true }).ClickAsync();
        await Assertions.Expect(other).ToHaveCountAsync(0);
        await Assertions.Expect(CallFor(first, mo)).ToHaveCountAsync(0, new() { Timeout = 1_000 });
    }

    [Fact]
    public async Task Prompts_raised_during_a_forced_disconnect_arrive_by_catch_up_on_reconnect()
    {
        var (ana, line) = await SignInWithHubLineAsync("ana", "/hubs/sellers");
        var warmup = "wes@" + await NewAccountAsync("ana");
        await AskForSalesAsync(warmup);
        await Assertions.Expect(CallFor(ana, warmup)).ToBeVisibleAsync();
        var night = new[] { "nat@" + await NewAccountAsync("ana"), "nia@" + await NewAccountAsync("ana") };

        await line.CutAsync();
        await Assertions.Expect(ana.Locator("#connection")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(reconnecting|offline)$"));
        foreach (var contact in night)
        {
            await AskForSalesAsync(contact);
        }

        await PromptsStoredForAsync(night);
        await Assertions.Expect(CallFor(ana, night[0])).ToHaveCountAsync(0);

        await line.RestoreAsync();

        await Assertions.Expect(ana.Locator("#connection")).ToHaveTextAsync("connected");
        foreach (var contact in night)
        {
            await Assertions.Expect(CallFor(ana, contact)).ToBeVisibleAsync();
            await Assertions.Expect(CallFor(ana, contact).Locator(".missed-badge")).ToBeVisibleAsync();
        }

        await Assertions.Expect(ana.Locator("#notice")).ToContainTextAsync("arrived while you were away");
        await Assertions.Expect(CallFor(ana, warmup)).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_seller_never_sees_another_sellers_prompt_and_the_server_refuses_a_forged_action_on_it()
    {
        var ana = await SignInAsync("ana");
        var ben = await SignInAsync("ben");
        var ivy = "ivy@" + await NewAccountAsync("ben", "amer");
        var gus = "gus@" + await NewAccountAsync("ana");
        await AskForSalesAsync(ivy);
        await AskForSalesAsync(gus);
        await Assertions.Expect(CallFor(ben, ivy)).ToBeVisibleAsync();
        await Assertions.Expect(CallFor(ana, gus)).ToBeVisibleAsync();
        await Assertions.Expect(ana.Locator(".prompt", new() { HasText = ivy })).ToHaveCountAsync(0);
        var bensPrompt = await CallFor(ben, ivy).GetAttributeAsync("data-prompt-id");

        // Ana's own token, Ben's prompt id: what a tampered client would send.
        await using (var forger = await HubProtocolClient.ConnectAsync(Host.BaseUrl, "/hubs/sellers", await Host.TokenAsync("ana")))
        {
            var refused = await Should.ThrowAsync<HubInvocationException>(() => forger.InvokeAsync("accept", bensPrompt));
            refused.Message.ShouldContain("not your prompt", Case.Insensitive);
        }

        (await StatusInStoreAsync(bensPrompt!)).ShouldBe(PromptStatus.Open);
        await Assertions.Expect(CallFor(ben, ivy)).ToHaveAttributeAsync("data-status", PromptStatus.Open);

        // A seller's route to the board leads back to the inbox.
        await ana.GotoAsync(Host.BaseUrl + "/#/board");
        await Assertions.Expect(ana).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/inbox$"));
    }
}
