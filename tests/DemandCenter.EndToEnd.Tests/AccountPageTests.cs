using DemandCenter.Testing;
using Microsoft.Playwright;

namespace DemandCenter.EndToEnd.Tests;

/// <summary>The account page in headless Chromium: its position, and time travel through its timeline.</summary>
[Collection(ScreensCollection.Name)]
public sealed class AccountPageTests(NoCooldownHost host, Browser browser) : ScreenTests(host, browser)
{
    [Fact]
    public async Task The_time_travel_slider_shows_the_account_as_it_was_after_each_event()
    {
        var account = NewAccount("travel");
        var buyer = "quinn@" + account;
        await Host.WaitUntilRecordedAsync(await ViewAsync(buyer, "/blog/the-problem"));
        await Host.WaitUntilRecordedAsync(await ViewAsync(buyer, "/docs/requirements"));
        await Host.WaitUntilRecordedAsync(await ViewAsync(buyer, "/pricing"));

        var olga = await SignInAsync("olga", "#/accounts/" + account);

        await Assertions.Expect(olga.Locator("#focus-job")).ToHaveTextAsync("supplier selection");
        await Assertions.Expect(olga.Locator("#as-of")).ToContainTextAsync("Now");
        await Assertions.Expect(olga.Locator("#position")).ToContainTextAsync(buyer);
        var slider = olga.GetByLabel("Show the account as it was after event");

        await slider.FocusAsync();
        await olga.Keyboard.PressAsync("Home");
        await Assertions.Expect(olga.Locator("#as-of")).ToContainTextAsync("As of");
        await Assertions.Expect(olga.Locator("#focus-job")).ToHaveTextAsync("problem identification");
        await Assertions.Expect(olga.Locator("#signal-count")).ToContainTextAsync("1 ");
        await Assertions.Expect(olga.Locator("#timeline li.future").First).ToBeVisibleAsync();

        await olga.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(olga.Locator("#focus-job")).ToHaveTextAsync("requirements building");

        await olga.Keyboard.PressAsync("End");
        await Assertions.Expect(olga.Locator("#as-of")).ToContainTextAsync("Now");
        await Assertions.Expect(olga.Locator("#focus-job")).ToHaveTextAsync("supplier selection");
        await Assertions.Expect(olga.Locator("#timeline li.future")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_account_page_shows_jobs_buying_group_and_open_prompts()
    {
        var kim = NewContact("acme.com");
        await ViewAsync(kim, "/security");
        await Host.WaitUntilRecordedAsync(await ViewAsync(kim, "/pricing"));
        var ana = await SignInAsync("ana");
        await Assertions.Expect(PromptOf(ana, kim).First).ToBeVisibleAsync();

        await PromptOf(ana, kim).First.Locator("a.account").ClickAsync();

        await Assertions.Expect(ana).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/accounts/acme.com$"));
        await Assertions.Expect(ana.Locator("h1")).ToHaveTextAsync("Acme");
        await Assertions.Expect(ana.Locator("#jobs li")).ToHaveCountAsync(6);
        await Assertions.Expect(ana.Locator("#position")).ToContainTextAsync(kim);
        await Assertions.Expect(ana.Locator("#open-prompts")).ToContainTextAsync("pricing consult");
        await ScreenshotAsync(ana, "account");
    }
}
