using DemandCenter.Contracts;

namespace DemandCenter.Ingestion.Domain;

/// <summary>
/// Ties a signal to an account: an explicit account domain wins, then the contact's email domain unless it is a
/// free-mail provider (a Gmail address says nothing about the buyer's company).
/// </summary>
public sealed class IdentityResolver(IReadOnlySet<string> freeMailDomains)
{
    public static readonly IReadOnlySet<string> DefaultFreeMail = new HashSet<string>(StringComparer.Ordinal)
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com",
        "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "gmx.net",
        "web.de", "mail.com", "yandex.com", "yandex.ru", "zoho.com", "fastmail.com", "hey.com", "qq.com", "163.com",
    };

    public ResolvedIdentity Resolve(SignalData data)
    {
        var contactId = string.IsNullOrWhiteSpace(data.Email) ? null : data.Email.Trim().ToLowerInvariant();
        var explicitAccount = Domains.Registrable(data.AccountDomain);
        var emailDomain = Domains.OfEmail(contactId);
        var account = explicitAccount ?? (emailDomain is not null && !freeMailDomains.Contains(emailDomain) ? emailDomain : null);
        return new ResolvedIdentity(account, contactId, string.IsNullOrWhiteSpace(data.AnonymousId) ? null : data.AnonymousId.Trim());
    }
}

public sealed record ResolvedIdentity(string? AccountId, string? ContactId, string? AnonymousId);
