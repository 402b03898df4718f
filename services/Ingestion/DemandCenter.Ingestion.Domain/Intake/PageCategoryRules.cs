namespace DemandCenter.Ingestion.Domain;

/// <summary>Derives a page category from a URL path when the publisher sent none; the first matching rule wins.</summary>
public sealed class PageCategoryRules(IReadOnlyList<KeyValuePair<string, string>> rules)
{
    /// <summary>Path fragment -> category, checked in order.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Defaults =
    [
        new("/pricing", "pricing"), new("/plans", "pricing"), new("/compare", "comparison"), new("/vs-", "comparison"),
        new("/trial", "trial"), new("/signup", "trial"), new("/security", "security"), new("/trust", "security"),
        new("/docs", "docs"), new("/api", "docs"), new("/integrations", "integration"), new("/customers", "customers"),
        new("/case-stud", "case_study"), new("/solutions", "solution"), new("/product", "product"), new("/features", "product"),
        new("/blog", "blog"), new("/careers", "careers"), new("/jobs", "careers"), new("/support", "support"), new("/help", "support"),
    ];

    public static PageCategoryRules Default { get; } = new(Defaults);

    public string Categorize(string url)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath.ToLowerInvariant() : url.ToLowerInvariant();
        foreach (var (fragment, category) in rules)
        {
            if (path.Contains(fragment, StringComparison.Ordinal))
            {
                return category;
            }
        }

        return "other";
    }
}
