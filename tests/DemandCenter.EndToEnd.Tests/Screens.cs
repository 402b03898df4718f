using DemandCenter.Testing;
using Microsoft.Playwright;

namespace DemandCenter.EndToEnd.Tests;

/// <summary>
/// One product host (prompts without cooldown, so every qualifying signal raises one) and one Chromium for all browser
/// tests. Tests stay apart by using contacts and accounts of their own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ScreensCollection : ICollectionFixture<NoCooldownHost>, ICollectionFixture<Browser>
{
    public const string Name = "screens";
}

/// <summary>What the browser tests do as a person would: sign in, publish a buyer's signal, take screenshots.</summary>
public abstract class ScreenTests(NoCooldownHost host, Browser browser)
{
    protected const float Timeout = 30_000;

    protected NoCooldownHost Host => host;

    /// <summary>A fresh browser context (its own storage, like another device) signed in as <paramref name="sub"/>.</summary>
    protected async Task<IPage> SignInAsync(string sub, string route = "", Func<IBrowserContext, Task>? prepare = null)
    {
        var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 860 } });
        if (prepare is not null)
        {
            await prepare(context);
        }

        return await SignInOnAsync(await context.NewPageAsync(), sub, route);
    }

    /// <summary>Signs in on a page of its own; a second tab of one context needs it too (the session is kept per tab).</summary>
    protected async Task<IPage> SignInOnAsync(IPage page, string sub, string route = "")
    {
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(host.BaseUrl + "/" + route);
        await page.GetByLabel("Who are you?").SelectOptionAsync(sub);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        if (!route.StartsWith("#/accounts/", StringComparison.Ordinal))
        {
            await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("connected", new() { Timeout = Timeout });
        }

        return page;
    }

    /// <summary>A buyer views a page of the vendor's site (e.g. /pricing); returns the event id.</summary>
    protected async Task<string> ViewAsync(string email, string path)
    {
        var id = Guid.NewGuid().ToString("n");
        await host.PublishAsync(Contracts.Topics.SignalsWeb, email.Split('@')[1], CloudEvents.PageViewed(id, email, path));
        return id;
    }

    /// <summary>A contact of a roster account no other test uses, so that locators by contact match one prompt.</summary>
    protected static string NewContact(string domain) => $"buyer-{Guid.NewGuid().ToString("n")[..8]}@{domain}";

    /// <summary>An account no other test touches.</summary>
    protected static string NewAccount(string prefix) => $"{prefix}{Guid.NewGuid().ToString("n")[..8]}.com";

    protected static ILocator PromptOf(IPage page, string contact) => page.Locator("#prompts .prompt", new() { HasText = contact });

    protected static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ArtifactsDir, name + ".png"), FullPage = true });

    protected Task<string?> StatusInStoreAsync(string promptId) =>
        host.ScalarAsync<string>("SELECT status FROM demand.prompts WHERE prompt_id = @id::uuid", ("id", promptId));
}
