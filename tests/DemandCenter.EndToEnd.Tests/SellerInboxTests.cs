using System.Net.Http.Headers;
using System.Text;
using DemandCenter.Testing;
using Microsoft.Playwright;

namespace DemandCenter.EndToEnd.Tests;

/// <summary>A seller signs in on the inbox page in headless Chromium and sees a prompt arrive by push.</summary>
public sealed class SellerInboxTests(DemandTestHost host, Browser browser) : IClassFixture<DemandTestHost>, IClassFixture<Browser>
{
    private const float Timeout = 30_000;

    private async Task<IPage> SignInAsync(string sub)
    {
        var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(host.BaseUrl + "/");
        await page.GetByLabel("Who are you?").SelectOptionAsync(sub);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("connected", new() { Timeout = Timeout });
        return page;
    }

    [Fact]
    public async Task The_owner_sees_the_prompt_for_a_pricing_view_appear_and_another_seller_does_not()
    {
        var ana = await SignInAsync("ana");
        var ben = await SignInAsync("ben");
        var id = Guid.NewGuid().ToString("n");
        var benId = Guid.NewGuid().ToString("n");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/signals")
        {
            Content = new StringContent(Encoding.UTF8.GetString(CloudEvents.PageViewed(id, "kim@acme.com", "/pricing")), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.ApiKey);
        (await host.Http.SendAsync(request)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);

        var card = ana.Locator(".prompt", new() { HasText = "kim@acme.com" });
        await Assertions.Expect(card).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(card.Locator(".action")).ToHaveTextAsync("pricing consult");
        await Assertions.Expect(card.Locator(".account")).ToHaveTextAsync("Acme");
        await Assertions.Expect(card.Locator(".reason")).ToContainTextAsync("viewed the pricing page");
        await ana.ScreenshotAsync(new() { Path = Path.Combine(Browser.ArtifactsDir, "seller-inbox.png"), FullPage = true });

        // Ben's own prompt proves his page is live; Ana's prompt must never have reached it.
        await host.PublishAsync(Contracts.Topics.SignalsWeb, "globex.com", CloudEvents.PageViewed(benId, "hank@globex.com", "/pricing"));
        await Assertions.Expect(ben.Locator(".prompt", new() { HasText = "hank@globex.com" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(ben.Locator(".prompt", new() { HasText = "Acme" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_prompt_raised_before_sign_in_is_shown_by_catch_up()
    {
        var id = Guid.NewGuid().ToString("n");
        await host.PublishAsync(Contracts.Topics.SignalsWeb, "soylent.co.uk", CloudEvents.PageViewed(id, "sam@soylent.co.uk", "/pricing"));
        await Wait.UntilAsync(
            async () => await host.ScalarAsync<long>("SELECT count(*) FROM demand.prompts WHERE account_id = 'soylent.co.uk'") > 0,
            TimeSpan.FromSeconds(30), "the prompt to be stored");

        var ana = await SignInAsync("ana");

        await Assertions.Expect(ana.Locator(".prompt", new() { HasText = "Soylent" })).ToBeVisibleAsync(new() { Timeout = Timeout });
    }
}
