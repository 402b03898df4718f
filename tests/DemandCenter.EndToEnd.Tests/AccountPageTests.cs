using DemandCenter.Testing;
using Microsoft.Playwright;

namespace DemandCenter.EndToEnd.Tests;

/// <summary>The account page in headless Chromium: its position, and time travel through its timeline.</summary>
[Collection(ScreensCollection.Name)]
public sealed class AccountPageTests(ScreensHost host, Browser browser) : ScreenTests(host, browser)
{
    [Fact]
    public async Task The_time_travel_slider_shows_the_account_as_it_was_after_each_event()
    {
        var account = NewAccount("travel");
        var buyer = "quinn@" + account;
        // Each step's momentum beats the current focus by the playbook's switch ratio: blog 1, security 1.5, pricing 2.
        await Host.WaitUntilRecordedAsync(await ViewAsync(buyer, "/blog/the-problem"));
        await Host.WaitUntilRecordedAsync(await ViewAsync(buyer, "/security"));
        await Host.WaitUntilRecordedAsync(await ViewAsync(buyer, "/pricing"));

        var olga = await SignInAsync("olga", "#/accounts/" + account);

        await Assertions.Expect(olga.Locator("#focus-job")).ToHaveTextAsync("supplier selection");
        await Assertions.Expect(olga.Locator("#as-of")).ToContainTextAsync("Now");
        await Assertions.Expect(olga.Locator("#position")).ToContainTextAsync(buyer);
        var slider = olga.GetByLabel("Show the account as it was after event");
        var events = await olga.Locator("#timeline li").CountAsync();
        events.ShouldBeGreaterThanOrEqualTo(3);

        // Step through every event from the first with the keyboard, reading the focus as it was after each.
        await slider.FocusAsync();
        await olga.Keyboard.PressAsync("Home");
        var seen = new List<string>();
        for (var step = 1; step < events; step++)
        {
            await Assertions.Expect(olga.Locator("#as-of")).ToContainTextAsync($"event {step} of {events})");
            var focus = (await olga.Locator("#focus-job").TextContentAsync())!;
            if (seen.Count == 0 || seen[^1] != focus)
            {
                seen.Add(focus);
            }

            if (step == 1)
            {
                await Assertions.Expect(olga.Locator("#signal-count")).ToContainTextAsync("1 ");
                await Assertions.Expect(olga.Locator("#timeline li.future").First).ToBeVisibleAsync();
            }

            await olga.Keyboard.PressAsync("ArrowRight");
        }

        await Assertions.Expect(olga.Locator("#as-of")).ToContainTextAsync("Now");
        seen.Add((await olga.Locator("#focus-job").TextContentAsync())!);
        seen.Distinct().ShouldBe(["problem identification", "requirements building", "supplier selection"]);

        await olga.Keyboard.PressAsync("Home");
        await Assertions.Expect(olga.Locator("#focus-job")).ToHaveTextAsync("problem identification");
        await olga.Keyboard.PressAsync("End");
        await Assertions.Expect(olga.Locator("#as-of")).ToContainTextAsync("Now");
        await Assertions.Expect(olga.Locator("#focus-job")).ToHaveTextAsync("supplier selection");
        await Assertions.Expect(olga.Locator("#timeline li.future")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_account_page_shows_jobs_scores_buying_group_and_prompts_with_outcomes()
    {
        var account = await NewAccountAsync("ana");
        var kim = "kim@" + account;
        var lee = "lee@" + account;
        await ViewAsync(kim, "/blog/the-problem");
        await ViewAsync(lee, "/security");
        await ViewAsync(kim, "/pricing");
        await AskForSalesAsync(kim);
        var ana = await SignInAsync("ana");
        await Assertions.Expect(CallFor(ana, kim).First).ToBeVisibleAsync();

        await CallFor(ana, kim).First.Locator("a.account").ClickAsync();

        await Assertions.Expect(ana).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"#/accounts/{account}$"));
        await Assertions.Expect(ana.Locator("h1")).ToHaveTextAsync(NameOf(account));
        await Assertions.Expect(ana.Locator("#jobs li")).ToHaveCountAsync(6);
        await Assertions.Expect(ana.Locator("#jobs li.focus")).ToHaveCountAsync(1);
        await Assertions.Expect(ana.Locator("#scores dt")).ToHaveCountAsync(4);
        await Assertions.Expect(ana.Locator("#position")).ToContainTextAsync(kim);
        await Assertions.Expect(ana.Locator("#position")).ToContainTextAsync(lee);
        await Assertions.Expect(ana.Locator("#forecast")).ToContainTextAsync("Likely next");
        await Assertions.Expect(ana.Locator("#open-prompts")).ToContainTextAsync("call");
        // Newest first: the call's prompt, named for people, its type kept for those who need it.
        var newest = ana.Locator("#timeline li strong").First;
        await Assertions.Expect(newest).ToHaveTextAsync("Prompt raised");
        await Assertions.Expect(newest).ToHaveAttributeAsync("title", "journey.prompt_raised.v1");
        await Assertions.Expect(ana.Locator("#timeline")).ToContainTextAsync("from: problem identification");
        await ScreenshotAsync(ana, "account");
    }
}
