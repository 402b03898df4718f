using System.Text.RegularExpressions;

namespace DemandCenter.Ingestion.Domain;

public static partial class Domains
{
    // Second-level labels under which registries sell names (acme.co.uk): the registrable domain then has three labels.
    private static readonly HashSet<string> PublicSecondLevel = new(StringComparer.Ordinal) { "co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc" };

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();

    public static bool IsValidDomain(string? domain) => domain is not null && DomainPattern().IsMatch(domain.Trim().ToLowerInvariant());

    /// <summary>The registrable domain (acme.com for www.eu.acme.com), lower-cased; null when it is not a domain.</summary>
    public static string? Registrable(string? host)
    {
        if (host is null)
        {
            return null;
        }

        var h = host.Trim().TrimEnd('.').ToLowerInvariant();
        if (!IsValidDomain(h))
        {
            return null;
        }

        var labels = h.Split('.');
        var take = labels.Length >= 3 && labels[^1].Length == 2 && PublicSecondLevel.Contains(labels[^2]) ? 3 : 2;
        return string.Join('.', labels[^Math.Min(take, labels.Length)..]);
    }

    public static string? OfEmail(string? email)
    {
        var at = email?.LastIndexOf('@') ?? -1;
        return at < 0 ? null : Registrable(email![(at + 1)..]);
    }
}
