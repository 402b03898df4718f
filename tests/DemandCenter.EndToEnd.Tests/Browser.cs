using Microsoft.Playwright;

namespace DemandCenter.EndToEnd.Tests;

/// <summary>Debian's Chromium driven by Playwright (Playwright's own browser download is not possible here).</summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Instance { get; private set; } = null!;

    public static string ArtifactsDir { get; } = Path.GetFullPath(Environment.GetEnvironmentVariable("DEMAND_TEST_ARTIFACTS")
        ?? Path.Combine(AppContext.BaseDirectory, "test-artifacts"));

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Instance = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("DEMAND_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(ArtifactsDir);
        // Pushes are fast, but the first signal of a run also warms the pipeline up; a test that needs speed says so.
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    public async Task DisposeAsync()
    {
        if (Instance is not null)
        {
            await Instance.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
