using DemandCenter.Contracts;
using DemandCenter.Ingestion.Domain;

namespace DemandCenter.Unit.Tests.Ingestion;

public sealed class IdentityResolverTests
{
    private readonly IdentityResolver _resolver = new(IdentityResolver.DefaultFreeMail);

    private sealed class Known(Dictionary<string, string>? visitors = null, Dictionary<string, string>? contacts = null) : IIdentityLookup
    {
        public string? ContactOf(string anonymousId) => visitors?.GetValueOrDefault(anonymousId);

        public string? AccountOf(string contactId) => contacts?.GetValueOrDefault(contactId);
    }

    [Fact]
    public void Given_an_anonymous_page_view_When_nothing_is_known_Then_it_has_no_account()
    {
        var who = _resolver.Resolve(new PageViewedData { AnonymousId = "v-1", Url = "https://vendor.example/pricing" });

        who.ShouldBe(new ResolvedIdentity(null, null, "v-1"));
    }

    [Fact]
    public void Given_a_visitor_who_filled_a_form_When_their_anonymous_view_is_resolved_Then_it_is_the_contact_and_their_account()
    {
        var form = new FormSubmittedData { AnonymousId = "v-1", Email = "Kim@Acme.com", FormKind = "demo_request" };
        var learned = IdentityResolver.Learn(SignalTypes.FormSubmitted, form);
        learned.Visitor.ShouldBe(new VisitorFact("v-1", "kim@acme.com", SignalTypes.FormSubmitted));

        var who = _resolver.Resolve(new PageViewedData { AnonymousId = "v-1" }, new Known(visitors: new() { ["v-1"] = "kim@acme.com" }));

        who.ShouldBe(new ResolvedIdentity("acme.com", "kim@acme.com", "v-1"));
    }

    [Fact]
    public void Given_a_free_mail_contact_When_resolved_Then_no_account_until_the_crm_places_them()
    {
        var data = new EmailData { Email = "kim@gmail.com", MessageId = "m-1" };

        _resolver.Resolve(data).AccountId.ShouldBeNull();
        _resolver.Resolve(data, new Known(contacts: new() { ["kim@gmail.com"] = "acme.com" })).AccountId.ShouldBe("acme.com");
    }

    [Fact]
    public void Given_a_crm_mapping_When_the_email_domain_says_otherwise_Then_the_crm_wins_but_an_explicit_account_domain_wins_over_both()
    {
        var crm = IdentityResolver.Learn(SignalTypes.CrmAccountUpdated, new CrmAccountUpdatedData { Email = "kim@acme-labs.io", AccountDomain = "acme.com" });
        crm.Crm.ShouldBe(new ContactFact("kim@acme-labs.io", "acme.com"));
        var known = new Known(contacts: new() { ["kim@acme-labs.io"] = "acme.com" });

        _resolver.Resolve(new PageViewedData { Email = "kim@acme-labs.io" }, known).AccountId.ShouldBe("acme.com");
        _resolver.Resolve(new PageViewedData { Email = "kim@acme-labs.io", AccountDomain = "globex.com" }, known).AccountId.ShouldBe("globex.com");
    }

    [Fact]
    public void An_event_without_both_visitor_and_email_teaches_nothing()
    {
        IdentityResolver.Learn(SignalTypes.PageViewed, new PageViewedData { AnonymousId = "v-2" }).ShouldBe(new IdentityFacts(null, null));
        IdentityResolver.Learn(SignalTypes.CrmAccountUpdated, new CrmAccountUpdatedData { AccountDomain = "acme.com" }).Crm.ShouldBeNull();
    }
}
