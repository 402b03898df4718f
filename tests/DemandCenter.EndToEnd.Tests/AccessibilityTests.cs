using DemandCenter.Testing;
using Microsoft.Playwright;

namespace DemandCenter.EndToEnd.Tests;

/// <summary>Every control of the three screens has a name a screen reader can say, and the inbox works from the keyboard alone.</summary>
[Collection(ScreensCollection.Name)]
public sealed class AccessibilityTests(ScreensHost host, Browser browser) : ScreenTests(host, browser)
{
    /// <summary>Controls without an accessible name (label, aria-label, aria-labelledby, own text or title), described.</summary>
    private const string UnnamedControls = """
        () => [...document.querySelectorAll("button, input, select, textarea, a[href], [role=slider], [role=meter]")]
          .filter((el) => el.offsetParent !== null || el.tagName === "DIALOG")
          .filter((el) => {
            const labelled = (el.getAttribute("aria-labelledby") ?? "").split(" ").some((id) => document.getElementById(id)?.textContent.trim());
            const labels = el.labels ? [...el.labels].some((l) => l.textContent.trim()) : false;
            return !(el.getAttribute("aria-label")?.trim() || labelled || labels || el.textContent.trim() || el.getAttribute("title"));
          })
          .map((el) => el.outerHTML.slice(0, 120))
        """;

    private static async Task ShouldNameEveryControlAsync(IPage page) =>
        (await page.EvaluateAsync<string[]>(UnnamedControls)).ShouldBeEmpty();

    [Fact]
    public async Task The_inbox_names_every_control_and_a_prompt_can_be_accepted_from_the_keyboard()
    {
        var ana = await SignInAsync("ana");
        var kay = "kay@" + await NewAccountAsync("ana");
        await AskForSalesAsync(kay);
        var card = CallFor(ana, kay);
        await Assertions.Expect(card).ToBeVisibleAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "Snooze…" }).ClickAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "Dismiss…" }).ClickAsync();
        await ShouldNameEveryControlAsync(ana);

        // From the account link, Tab reaches the evidence, then Accept; Enter presses it.
        await card.Locator("a.account").FocusAsync();
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToBeVisibleAsync();
        for (var i = 0; i < 5 && !await card.GetByRole(AriaRole.Button, new() { Name = "Accept" }).EvaluateAsync<bool>("b => b === document.activeElement"); i++)
        {
            await ana.Keyboard.PressAsync("Tab");
        }

        await ana.Keyboard.PressAsync("Enter");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "accepted");
    }

    [Fact]
    public async Task The_board_and_its_dialog_name_every_control()
    {
        var account = await NewAccountAsync("ben", "amer");
        await AskForSalesAsync("abe@" + account);
        var olga = await SignInAsync("olga");
        await Assertions.Expect(olga.Locator($".card[data-account-id='{account}']")).ToBeVisibleAsync();
        await ShouldNameEveryControlAsync(olga);

        await olga.Locator($".card[data-account-id='{account}'] .card-button").FocusAsync();
        await olga.Keyboard.PressAsync("Enter");
        var dialog = olga.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.Locator("li[data-prompt-id]").First).ToBeVisibleAsync();
        await ShouldNameEveryControlAsync(olga);
        await olga.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_account_page_names_every_control()
    {
        var account = await NewAccountAsync("ana");
        await Host.WaitUntilRecordedAsync(await AskForSalesAsync("ada@" + account));
        var ana = await SignInAsync("ana", "#/accounts/" + account);
        await Assertions.Expect(ana.Locator("#jobs li")).ToHaveCountAsync(6);
        await ShouldNameEveryControlAsync(ana);
    }
}
