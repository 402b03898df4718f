using DemandCenter.Contracts;

namespace DemandCenter.Ingestion.Domain;

/// <summary>What the identity store knows: anonymous visitors it has tied to contacts, and contacts the CRM has tied to accounts.</summary>
public interface IIdentityLookup
{
    string? ContactOf(string anonymousId);

    string? AccountOf(string contactId);
}

/// <summary>
/// Ties a signal to a contact and an account. The contact is the event's email, else what the visitor is known to be.
/// The account is, in order: the event's own accountDomain; the CRM's mapping of the contact (CRM records win over
/// inference); the contact's email domain, unless it is a free-mail provider (a Gmail address says nothing about the
/// buyer's company).
/// </summary>
public sealed class IdentityResolver(IReadOnlySet<string> freeMailDomains)
{
    public static readonly IReadOnlySet<string> DefaultFreeMail = new HashSet<string>(StringComparer.Ordinal)
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com",
        "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "gmx.net",
        "web.de", "mail.com", "yandex.com", "yandex.ru", "zoho.com", "fastmail.com", "hey.com", "qq.com", "163.com",
    };

    public static string? Contact(string? email) => string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    public static string? Anonymous(string? anonymousId) => string.IsNullOrWhiteSpace(anonymousId) ? null : anonymousId.Trim();

    public ResolvedIdentity Resolve(SignalData data, IIdentityLookup? known = null)
    {
        var anonymous = Anonymous(data.AnonymousId);
        var contact = Contact(data.Email) ?? (anonymous is null ? null : known?.ContactOf(anonymous));
        var account = Domains.Registrable(data.AccountDomain)
                      ?? (contact is null ? null : known?.AccountOf(contact))
                      ?? Inferred(contact);
        return new ResolvedIdentity(account, contact, anonymous);
    }

    /// <summary>The account a contact's email domain suggests, or null for free-mail.</summary>
    public string? Inferred(string? contact) => Domains.OfEmail(contact) is { } domain && !freeMailDomains.Contains(domain) ? domain : null;

    /// <summary>What an event teaches about identity: a visitor who gave their email, a contact the CRM places in an account.</summary>
    public static IdentityFacts Learn(string type, SignalData data)
    {
        var anonymous = Anonymous(data.AnonymousId);
        var contact = Contact(data.Email);
        var visitor = anonymous is not null && contact is not null ? new VisitorFact(anonymous, contact, type) : null;
        var crm = type == SignalTypes.CrmAccountUpdated && contact is not null && Domains.Registrable(data.AccountDomain) is { } account
            ? new ContactFact(contact, account)
            : null;
        return new IdentityFacts(visitor, crm);
    }
}

public sealed record ResolvedIdentity(string? AccountId, string? ContactId, string? AnonymousId);

/// <summary>An anonymous visitor turned out to be this contact (a form fill, an email click, a chat that gave an email).</summary>
public sealed record VisitorFact(string AnonymousId, string ContactId, string LearnedFrom);

/// <summary>The CRM places this contact in this account.</summary>
public sealed record ContactFact(string ContactId, string AccountId);

public sealed record IdentityFacts(VisitorFact? Visitor, ContactFact? Crm);
