using DemandCenter.Contracts;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests.Ingestion;

/// <summary>Identity resolution through the whole pipeline: anonymous history stitched after a form fill, a free-mail contact placed by the CRM.</summary>
public sealed class IdentityStitchingTests(DemandTestHost host) : IClassFixture<DemandTestHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static string NewId() => Guid.NewGuid().ToString("n");

    private Task<long> CountAsync(string sql, params (string, object)[] args) => host.ScalarAsync<long>(sql, args);

    /// <summary>
    /// Until Ingestion's own record shows <paramref name="expected"/>: it commits the record (identities, pending
    /// signals) once its forwards are acknowledged, so the Journey may record the forwarded signals first.
    /// </summary>
    private Task IngestionRecordShowsAsync(string sql, string expected, params (string, object)[] args) =>
        Wait.UntilAsync(async () => await host.ScalarAsync<string>(sql, args) == expected, Deadline, $"Ingestion's record to show {expected}");

    [Fact]
    public async Task Anonymous_page_views_are_kept_until_a_form_fill_names_the_visitor_then_reach_the_account_marked_late()
    {
        var visitor = "v-" + NewId();
        var (early1, early2, form) = (NewId(), NewId(), NewId());
        await host.PublishAsync(Topics.SignalsWeb, visitor, CloudEvents.Event(SignalTypes.PageViewed, early1, new { anonymousId = visitor, url = "https://vendor.example/pricing" }));
        await host.PublishAsync(Topics.SignalsWeb, visitor, CloudEvents.Event(SignalTypes.PageViewed, early2, new { anonymousId = visitor, url = "https://vendor.example/docs/sso" }));
        await Wait.UntilAsync(async () => await CountAsync("SELECT count(*) FROM demand.identity_pending WHERE anonymous_id = @v", ("v", visitor)) == 2, Deadline, "both views to be kept pending");
        (await host.RecordedAsync(CloudEvents.Source, early1)).ShouldBeFalse();

        await host.PublishAsync(Topics.SignalsWeb, visitor, CloudEvents.Event(SignalTypes.FormSubmitted, form, new { anonymousId = visitor, email = "Nina@Initech.com", formKind = "demo_request" }));

        await host.WaitUntilRecordedAsync(form);
        await host.WaitUntilRecordedAsync(early1);
        await host.WaitUntilRecordedAsync(early2);
        (await CountAsync(
            "SELECT count(*) FROM demand.events WHERE stream_id = 'account-initech.com' AND (data->>'lateAttributed')::boolean AND event_id = ANY(@ids)",
            ("ids", new[] { Ingestion(early1), Ingestion(early2) }))).ShouldBe(2);
        await IngestionRecordShowsAsync("SELECT contact_id FROM demand.identity_visitors WHERE anonymous_id = @v", "nina@initech.com", ("v", visitor));
        (await CountAsync("SELECT count(*) FROM demand.identity_pending WHERE anonymous_id = @v", ("v", visitor))).ShouldBe(0);

        // From now on the visitor is known at once.
        var later = NewId();
        await host.PublishAsync(Topics.SignalsWeb, visitor, CloudEvents.Event(SignalTypes.PageViewed, later, new { anonymousId = visitor, url = "https://vendor.example/customers" }));
        await host.WaitUntilRecordedAsync(later);
        (await CountAsync("SELECT count(*) FROM demand.events WHERE event_id = @id AND NOT (data->>'lateAttributed')::boolean", ("id", Ingestion(later)))).ShouldBe(1);
    }

    [Fact]
    public async Task A_free_mail_contact_is_kept_until_the_crm_places_them_in_an_account()
    {
        var (reply, crm) = (NewId(), NewId());
        await host.PublishAsync(Topics.SignalsEmail, "zed", CloudEvents.Event(SignalTypes.EmailReplied, reply, new { email = "zed.personal@gmail.com", messageId = "m-1", replyKind = "positive" }));
        await Wait.UntilAsync(async () => await CountAsync("SELECT count(*) FROM demand.identity_pending WHERE contact_id = 'zed.personal@gmail.com'") == 1, Deadline, "the reply to be kept pending");

        await host.PublishAsync(Topics.Crm, "globex.com", CloudEvents.Event(SignalTypes.CrmAccountUpdated, crm, new { email = "zed.personal@gmail.com", accountDomain = "globex.com", name = "Globex" }));

        await host.WaitUntilRecordedAsync(reply);
        await host.WaitUntilRecordedAsync(crm);
        (await host.ScalarAsync<string>("SELECT stream_id FROM demand.events WHERE event_id = @id", ("id", Ingestion(reply)))).ShouldBe("account-globex.com");
        await IngestionRecordShowsAsync("SELECT account_id FROM demand.identity_contacts WHERE contact_id = 'zed.personal@gmail.com'", "globex.com");
    }

    private static Guid Ingestion(string id) => DemandCenter.Ingestion.Domain.SignalIds.For(CloudEvents.Source, id);

    [Fact]
    public async Task The_same_visitor_named_twice_in_one_batch_is_recorded_once_with_the_last_word()
    {
        var visitor = "v-" + NewId();
        var (first, second) = (NewId(), NewId());
        host.PublishMany(Topics.SignalsWeb,
        [
            (visitor, CloudEvents.Event(SignalTypes.FormSubmitted, first, new { anonymousId = visitor, email = "old@umbrella.com", formKind = "newsletter" })),
            (visitor, CloudEvents.Event(SignalTypes.FormSubmitted, second, new { anonymousId = visitor, email = "new@umbrella.com", formKind = "contact_sales" })),
        ]);

        await host.WaitUntilRecordedAsync(first);
        await host.WaitUntilRecordedAsync(second);
        await IngestionRecordShowsAsync("SELECT contact_id FROM demand.identity_visitors WHERE anonymous_id = @v", "new@umbrella.com", ("v", visitor));
    }
}
