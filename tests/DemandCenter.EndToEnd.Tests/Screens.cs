using DemandCenter.Contracts;
using DemandCenter.Testing;
using Microsoft.Playwright;

namespace DemandCenter.EndToEnd.Tests;

/// <summary>
/// The product for the browser tests. Owners ana and ben (the demo roster's first two people) get room for every prompt
/// the tests raise: at the demo capacities, later tests' calls would overflow to the qualification pool.
/// </summary>
public sealed class ScreensHost : DemandTestHost
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Demand:Roster:People:0:Capacity"] = "1000",
        ["Demand:Roster:People:1:Capacity"] = "1000",
    };
}

/// <summary>
/// One product host and one Chromium for all browser tests. Tests stay apart by using accounts of their own: the
/// journey allows one active prompt per account and action, so a shared account would couple them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ScreensCollection : ICollectionFixture<ScreensHost>, ICollectionFixture<Browser>
{
    public const string Name = "screens";
}

/// <summary>What the browser tests do as a person would: sign in, publish a buyer's signal, take screenshots.</summary>
public abstract class ScreenTests(ScreensHost host, Browser browser) : IAsyncLifetime
{
    protected const float Timeout = 30_000;
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<string> _pageErrors = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Closes the test's browser contexts; an uncaught script error or a server error on any of its pages fails the test.</summary>
    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        _pageErrors.ShouldBeEmpty("uncaught errors in the page or server errors it received");
    }

    protected ScreensHost Host => host;

    /// <summary>A fresh browser context (its own storage, like another device) signed in as <paramref name="sub"/>.</summary>
    protected async Task<IPage> SignInAsync(string sub, string route = "", Func<IBrowserContext, Task>? prepare = null)
    {
        var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 860 } });
        _contexts.Add(context);
        context.Page += (_, page) =>
        {
            page.PageError += (_, error) => Record(error);
            page.Response += (_, response) =>
            {
                if (response.Status >= 500)
                {
                    Record($"{response.Status} from {response.Request.Method} {response.Url.Split('?')[0]}");
                }
            };
        };
        if (prepare is not null)
        {
            await prepare(context);
        }

        return await SignInOnAsync(await context.NewPageAsync(), sub, route);
    }

    private void Record(string error)
    {
        lock (_pageErrors)
        {
            _pageErrors.Add(error);
        }
    }

    /// <summary>
    /// Signs in with the page's hub WebSocket passing through a line the test can cut: while cut, the open connection
    /// is dropped and every reconnect attempt is refused, as when a laptop is closed or the network is gone.
    /// </summary>
    protected async Task<(IPage Page, HubLine Line)> SignInWithHubLineAsync(string sub, string hubPath)
    {
        var line = new HubLine();
        var page = await SignInAsync(sub, prepare: context => context.RouteWebSocketAsync($"**{hubPath}**", line.Route));
        line.Context = page.Context;
        return (page, line);
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
        await host.PublishAsync(Topics.SignalsWeb, email.Split('@')[1], CloudEvents.PageViewed(id, email, path));
        return id;
    }

    /// <summary>A buyer fills in the contact-sales form: the playbook's speed-to-lead rule calls the owner at once.</summary>
    protected async Task<string> AskForSalesAsync(string email)
    {
        var id = Guid.NewGuid().ToString("n");
        await host.PublishAsync(Topics.SignalsWeb, email.Split('@')[1],
            CloudEvents.Event(SignalTypes.FormSubmitted, id, new { email, anonymousId = "v-" + id, formKind = "contact_sales" }));
        return id;
    }

    /// <summary>
    /// An account no other test touches, owned by <paramref name="owner"/> as the CRM says (enterprise, tier 2: a seller's
    /// journey that no top-account rule joins); returns its domain once the journey knows the owner.
    /// </summary>
    protected async Task<string> NewAccountAsync(string owner, string territory = "emea", string prefix = "acct")
    {
        var domain = NewAccount(prefix);
        var id = Guid.NewGuid().ToString("n");
        await host.PublishAsync(Topics.Crm, domain, CloudEvents.Event(SignalTypes.CrmAccountUpdated, id,
            new { accountDomain = domain, name = NameOf(domain), ownerSellerId = owner, territory, segment = "enterprise", tier = "2" }));
        await host.WaitUntilRecordedAsync(id);
        return domain;
    }

    /// <summary>An account no other test touches, unknown to the CRM.</summary>
    protected static string NewAccount(string prefix) => $"{prefix}{Guid.NewGuid().ToString("n")[..8]}.com";

    /// <summary>"acct1a2b3c4d.com" -> "Acct1a2b3c4d".</summary>
    protected static string NameOf(string domain) => char.ToUpperInvariant(domain[0]) + domain[1..domain.IndexOf('.', StringComparison.Ordinal)];

    /// <summary>The active prompt card that names <paramref name="text"/> (a contact or an account name).</summary>
    protected static ILocator PromptOf(IPage page, string text) => page.Locator("#prompts .prompt", new() { HasText = text });

    /// <summary>
    /// The speed-to-lead call that a contact-sales form raises for <paramref name="contact"/>; other rules (a surge) may
    /// raise a second prompt naming the same contact.
    /// </summary>
    protected static ILocator CallFor(IPage page, string contact) => PromptOf(page, contact).Filter(new() { HasText = "contact sales form" });

    /// <summary>Elements reaching past the right edge of the window: a laptop screen should never need to scroll sideways.</summary>
    protected static async Task ShouldFitTheWindowAsync(IPage page) =>
        (await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll("body *")]
              .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest(".columns > *"))
              .slice(0, 5)
              .map((el) => `${el.tagName.toLowerCase()}.${el.className} right=${Math.round(el.getBoundingClientRect().right)}`)
            """)).ShouldBeEmpty();

    protected static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ArtifactsDir, name + ".png"), FullPage = true });

    /// <summary>Waits until each contact has a prompt in the read model.</summary>
    protected Task PromptsStoredForAsync(params string[] contacts) => Wait.UntilAsync(
        async () => await host.ScalarAsync<long>("SELECT count(DISTINCT payload->>'contactId') FROM demand.prompts WHERE payload->>'contactId' = ANY(@c)", ("c", contacts)) == contacts.Length,
        TimeSpan.FromSeconds(30), "prompts for " + string.Join(", ", contacts));

    protected Task<string?> StatusInStoreAsync(string promptId) =>
        host.ScalarAsync<string>("SELECT status FROM demand.prompts WHERE prompt_id = @id::uuid", ("id", promptId));
}

/// <summary>The page's hub connection, routed through the test so that it can be cut and restored.</summary>
public sealed class HubLine
{
    private readonly List<Task> _refusals = [];
    private bool _cut;
    private IWebSocketRoute? _current;

    public IBrowserContext? Context { get; set; }

    /// <summary>Playwright's WebSocket route handler (synchronous); a refusal's close is awaited by <see cref="RestoreAsync"/>.</summary>
    public void Route(IWebSocketRoute ws)
    {
        if (Volatile.Read(ref _cut))
        {
            lock (_refusals)
            {
                _refusals.Add(ws.CloseAsync());
            }

            return;
        }

        ws.ConnectToServer();
        Volatile.Write(ref _current, ws);
    }

    public async Task CutAsync()
    {
        Volatile.Write(ref _cut, true);
        await Context!.SetOfflineAsync(true);
        await Volatile.Read(ref _current)!.CloseAsync(new() { Code = 1006 });
    }

    public async Task RestoreAsync()
    {
        Volatile.Write(ref _cut, false);
        Task[] refusals;
        lock (_refusals)
        {
            refusals = [.. _refusals];
        }

        await Task.WhenAll(refusals);
        await Context!.SetOfflineAsync(false);
    }
}
