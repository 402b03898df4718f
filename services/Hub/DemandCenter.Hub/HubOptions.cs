namespace DemandCenter.Hub;

/// <summary>Bound from "Demand:Hub".</summary>
public sealed class HubOptions
{
    public const string Section = "Demand:Hub";

    /// <summary>Folder of the built web UI; defaults to wwwroot beside the application.</summary>
    public string? WebRoot { get; set; }

    /// <summary>True in embedded mode: enables the dev token endpoint and the sign-in page's roster.</summary>
    public bool DevSignIn { get; set; }

    /// <summary>
    /// Origins (scheme://host[:port]) whose pages may open hub connections besides the app's own origin. Requests
    /// without an Origin header (non-browser clients, which cannot be driven by a foreign page) are allowed.
    /// </summary>
    public List<string> AllowedOrigins { get; } = [];

    /// <summary>How long an action waits for the Journey service to confirm it before the caller is told.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Seller and orchestrator actions: a token bucket per person of this many actions...</summary>
    public int ActionBurst { get; set; } = 20;

    /// <summary>...refilled at this rate.</summary>
    public int ActionsPerMinute { get; set; } = 120;

    /// <summary>The board's delta timer: at most one accountsChanged frame per client per interval.</summary>
    public TimeSpan BoardFrameInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The seller load panel is re-sent at most this often when prompts change, and at least this often otherwise (overdue moves with the clock).</summary>
    public TimeSpan LoadMinInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan LoadMaxInterval { get; set; } = TimeSpan.FromSeconds(5);
}
