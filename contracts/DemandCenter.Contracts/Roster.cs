namespace DemandCenter.Contracts;

/// <summary>People who can sign in and the accounts they own. Bound from "Demand:Roster"; embedded mode ships the demo roster.</summary>
public sealed class RosterOptions
{
    public const string Section = "Demand:Roster";

    private Dictionary<string, RosterPerson>? _people;
    private Dictionary<string, RosterAccount>? _accounts;

    public List<RosterPerson> People { get; } = [];

    public List<RosterAccount> Accounts { get; } = [];

    // Looked up by id for every signal the Journey decides (and a CRM import can list many accounts): indexed on first
    // use, once bound (a reload binds a new instance). The first entry of an id wins, as a search of the list would.
    public RosterPerson? Person(string id) => (_people ??= Index(People, p => p.Id)).GetValueOrDefault(id);

    public RosterAccount? Account(string accountId) => (_accounts ??= Index(Accounts, a => a.AccountId)).GetValueOrDefault(accountId);

    private static Dictionary<string, T> Index<T>(List<T> items, Func<T, string> id)
    {
        var index = new Dictionary<string, T>(items.Count, StringComparer.Ordinal);
        foreach (var item in items)
        {
            index.TryAdd(id(item), item);
        }

        return index;
    }
}

public sealed class RosterPerson
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>seller or orchestrator.</summary>
    public string Role { get; set; } = "seller";

    /// <summary>owner, qualification, solutions or pricing (sellers only).</summary>
    public string? Specialty { get; set; }

    public string? Territory { get; set; }

    /// <summary>How many open prompts this seller can work at once; more overflow to the pool or wait.</summary>
    public int Capacity { get; set; } = 10;

    /// <summary>IANA time zone, e.g. Europe/Berlin; best-time windows fall back to it.</summary>
    public string? TimeZone { get; set; }
}

public sealed class RosterAccount
{
    public string AccountId { get; set; } = "";
    public string Name { get; set; } = "";
    public string OwnerSellerId { get; set; } = "";
    public string? Territory { get; set; }
    public string? Segment { get; set; }
    public string? Tier { get; set; }
    public decimal? AnnualRevenue { get; set; }
    public List<string> Contacts { get; } = [];
}

public static class RosterRoles
{
    public const string Seller = "seller";
    public const string Orchestrator = "orchestrator";
}
