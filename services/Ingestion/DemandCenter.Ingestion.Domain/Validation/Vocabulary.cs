namespace DemandCenter.Ingestion.Domain.Validation;

public static class PageCategories
{
    public static readonly string[] All =
        ["blog", "product", "solution", "case_study", "docs", "integration", "security", "pricing", "comparison", "trial", "customers", "careers", "support", "other"];
}

public static class ChatIntents
{
    public static readonly string[] All = ["pricing", "security", "integration", "competitor", "timeline", "budget", "support", "other"];
}
