namespace DemandCenter.Ingestion;

/// <summary>Bound from "Demand:Ingestion".</summary>
public sealed class IngestionOptions
{
    public const string Section = "Demand:Ingestion";

    public string ConsumerGroup { get; set; } = "demand-ingestion";

    /// <summary>Publisher keys, stored as SHA-256 hashes (hex); the keys themselves are never kept.</summary>
    public List<ApiKeyEntry> ApiKeys { get; } = [];

    /// <summary>Events per HTTP request at most.</summary>
    public int MaxBatchEvents { get; set; } = 500;

    /// <summary>HTTP body size limit in bytes (413 beyond it).</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Requests per second per API key (429 beyond it).</summary>
    public int RequestsPerSecond { get; set; } = 50;

    public List<string> FreeMailDomains { get; } = [];

    /// <summary>How long a (source, id) is remembered for dedupe.</summary>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a signal that cannot be attributed waits for its visitor to become known.</summary>
    public TimeSpan PendingRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Path fragment -> page category, checked in order, replacing the built-in rules when given.</summary>
    public List<PageCategoryRule> PageCategories { get; } = [];
}

public sealed class PageCategoryRule
{
    public string Contains { get; set; } = "";

    public string Category { get; set; } = "";
}

public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";

    public string Sha256 { get; set; } = "";
}
