namespace DemandCenter.Hub;

/// <summary>Bound from "Demand:Hub".</summary>
public sealed class HubOptions
{
    public const string Section = "Demand:Hub";

    /// <summary>Folder of the built web UI; defaults to wwwroot beside the application.</summary>
    public string? WebRoot { get; set; }

    /// <summary>True in embedded mode: enables the dev token endpoint and the sign-in page's roster.</summary>
    public bool DevSignIn { get; set; }
}
