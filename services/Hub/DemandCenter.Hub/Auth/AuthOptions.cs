namespace DemandCenter.Hub.Auth;

/// <summary>
/// Bound from "Demand:Auth". Production sets Authority and Audience (the organisation's identity provider);
/// embedded mode sets SigningKey, and the dev token endpoint issues tokens signed with it.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Demand:Auth";

    public string? Authority { get; set; }

    public string Audience { get; set; } = "demand-center";

    public string Issuer { get; set; } = "demand-center-embedded";

    /// <summary>Base64 HMAC-SHA256 key for embedded mode. A secret: never logged.</summary>
    public string? SigningKey { get; set; }

    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}

public static class Roles
{
    public const string Seller = "seller";
    public const string Orchestrator = "orchestrator";
}
