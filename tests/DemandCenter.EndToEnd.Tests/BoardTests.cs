using DemandCenter.Testing;
using Microsoft.Playwright;

namespace DemandCenter.EndToEnd.Tests;

/// <summary>The live journey board in headless Chromium: cards move with an account's focus, and work is redeployed from it.</summary>
[Collection(ScreensCollection.Name)]
public sealed class BoardTests(ScreensHost host, Browser browser) : ScreenTests(host, browser)
{
    /// <summary>Opens the account's dialog from its card and moves one prompt; returns the dialog once the hub confirmed.</summary>
    private static async Task<ILocator> ReassignPromptAsync(IPage board, string accountId, string promptId, string to)
    {
        await board.Locator($".card[data-account-id='{accountId}'] .card-button").ClickAsync();
        var dialog = board.GetByRole(AriaRole.Dialog);
        var row = dialog.Locator($"li[data-prompt-id='{promptId}']");
        await row.GetByLabel("Reassign this prompt to").SelectOptionAsync(to);
        await row.GetByRole(AriaRole.Button, new() { Name = "Reassign" }).ClickAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("confirmed");
        return dialog;
    }

    private static ILocator CardIn(IPage page, string job, string accountId) =>
        page.Locator($".column[data-job='{job}'] .card[data-account-id='{accountId}']");

    [Fact]
    public async Task A_card_moves_to_the_new_focus_column_when_a_signal_changes_the_accounts_focus()
    {
        var olga = await SignInAsync("olga");
        await Assertions.Expect(olga).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/board$"));
        var account = NewAccount("move");
        var buyer = "pat@" + account;

        await ViewAsync(buyer, "/blog/why-now");
        await Assertions.Expect(CardIn(olga, "problem_identification", account)).ToBeVisibleAsync();
        var before = await olga.Locator(".column[data-job='supplier_selection'] .column-count").TextContentAsync();

        await ViewAsync(buyer, "/pricing");

        var moved = CardIn(olga, "supplier_selection", account);
        await Assertions.Expect(moved).ToBeVisibleAsync();
        await Assertions.Expect(CardIn(olga, "problem_identification", account)).ToHaveCountAsync(0);
        await Assertions.Expect(moved).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bmoved\\b"));
        await Assertions.Expect(olga.Locator(".column[data-job='supplier_selection'] .column-count")).Not.ToHaveTextAsync(before!);
        await Assertions.Expect(olga.Locator("#flow")).ToContainTextAsync("problem identification → supplier selection");
        await ShouldFitTheWindowAsync(olga);
        await ScreenshotAsync(olga, "board");
    }

    [Fact]
    public async Task The_filters_keep_only_the_accounts_of_the_chosen_territory()
    {
        var east = await NewAccountAsync("ana", "emea");
        var west = await NewAccountAsync("ben", "amer");
        var olga = await SignInAsync("olga");
        await Assertions.Expect(olga.Locator($".card[data-account-id='{east}']")).ToBeVisibleAsync();
        await Assertions.Expect(olga.Locator($".card[data-account-id='{west}']")).ToBeVisibleAsync();

        await olga.GetByLabel("Territory", new() { Exact = true }).SelectOptionAsync("emea");

        await Assertions.Expect(olga.Locator($".card[data-account-id='{west}']")).ToHaveCountAsync(0);
        await Assertions.Expect(olga.Locator($".card[data-account-id='{east}']")).ToBeVisibleAsync();
        await olga.GetByLabel("Owner", new() { Exact = true }).SelectOptionAsync("ben");
        await Assertions.Expect(olga.Locator(".card")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_orchestrator_reassigns_a_prompt_then_the_account_from_the_board()
    {
        var olga = await SignInAsync("olga");
        var ben = await SignInAsync("ben");
        var ana = await SignInAsync("ana");
        var account = await NewAccountAsync("ben", "amer");
        var alice = "alice@" + account;
        await AskForSalesAsync(alice);
        await Assertions.Expect(CallFor(ben, alice)).ToBeVisibleAsync();
        var promptId = await CallFor(ben, alice).GetAttributeAsync("data-prompt-id");

        var dialog = await ReassignPromptAsync(olga, account, promptId!, "ana");

        // Moved everywhere it is shown: gone from Ben's inbox, arrived in Ana's.
        await Assertions.Expect(CallFor(ana, alice)).ToBeVisibleAsync();
        await Assertions.Expect(CallFor(ben, alice)).ToHaveCountAsync(0);

        await dialog.GetByLabel("Reassign the account to").SelectOptionAsync("ana");
        await dialog.Locator("form:has(#reassign-account)").GetByRole(AriaRole.Button, new() { Name = "Reassign" }).ClickAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("Account moved to ana");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Assertions.Expect(olga.Locator($".card[data-account-id='{account}'] .card-meta").First).ToContainTextAsync("ana");
    }

    [Fact]
    public async Task A_prompt_taken_from_a_seller_while_offline_is_gone_from_their_inbox_when_they_reconnect()
    {
        var (ben, line) = await SignInWithHubLineAsync("ben", "/hubs/sellers");
        var olga = await SignInAsync("olga");
        var account = await NewAccountAsync("ben", "amer");
        var abe = "abe@" + account;
        await AskForSalesAsync(abe);
        await Assertions.Expect(CallFor(ben, abe)).ToBeVisibleAsync();
        var promptId = await CallFor(ben, abe).GetAttributeAsync("data-prompt-id");

        await line.CutAsync();
        await Assertions.Expect(ben.Locator("#connection")).Not.ToHaveTextAsync("connected");
        await ReassignPromptAsync(olga, account, promptId!, "ana");
        await Assertions.Expect(CallFor(ben, abe)).ToBeVisibleAsync();

        await line.RestoreAsync();

        await Assertions.Expect(ben.Locator("#connection")).ToHaveTextAsync("connected");
        await Assertions.Expect(CallFor(ben, abe)).ToHaveCountAsync(0);
    }
}
