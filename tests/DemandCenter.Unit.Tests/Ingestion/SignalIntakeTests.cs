using System.Text;
using System.Text.Json.Nodes;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Ingestion.Domain.Validation;

namespace DemandCenter.Unit.Tests.Ingestion;

public sealed class SignalIntakeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private readonly SignalIntake _intake = new(IngestionLimits.Default, new FixedTime(Now), new IdentityResolver(IdentityResolver.DefaultFreeMail), PageCategoryRules.Default);

    private static JsonObject PageView(Action<JsonObject>? change = null)
    {
        var ce = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = "9d1c-1",
            ["source"] = "https://www.acme-vendor.example/web",
            ["type"] = "web.page.viewed",
            ["time"] = "2026-11-22T09:59:00Z",
            ["datacontenttype"] = "application/json",
            ["data"] = new JsonObject { ["anonymousId"] = "v-123", ["email"] = "Kim@Acme.com", ["url"] = "https://vendor.example/pricing" },
        };
        change?.Invoke(ce);
        return ce;
    }

    private IntakeResult Evaluate(JsonObject ce, string? topic = "demand.signals.web") => Evaluate(Encoding.UTF8.GetBytes(ce.ToJsonString()), topic);

    private IntakeResult Evaluate(byte[] bytes, string? topic = "demand.signals.web", Dictionary<string, string>? headers = null) =>
        _intake.Evaluate(new InboundMessage(bytes, headers ?? [], topic));

    private static Rejected ShouldBeRejected(IntakeResult result, string code, string field)
    {
        var rejected = result.ShouldBeOfType<Rejected>();
        rejected.Code.ShouldBe(code);
        rejected.Errors.ShouldContain(e => e.Field == field, $"expected an error on {field}; got {rejected.Reason}");
        return rejected;
    }

    [Fact]
    public void A_valid_page_view_is_accepted_with_the_account_from_the_email_domain_and_the_category_from_the_url()
    {
        var accepted = Evaluate(PageView()).ShouldBeOfType<Accepted>();

        accepted.Signal.AccountId.ShouldBe("acme.com");
        accepted.Signal.ContactId.ShouldBe("kim@acme.com");
        accepted.Signal.Category.ShouldBe("pricing");
        accepted.Signal.Channel.ShouldBe("web");
        accepted.Signal.OccurredAt.ShouldBe(new DateTimeOffset(2026, 11, 22, 9, 59, 0, TimeSpan.Zero));
        accepted.Signal.SignalId.ShouldBe(SignalIds.For("https://www.acme-vendor.example/web", "9d1c-1"));
    }

    [Fact]
    public void A_page_view_without_url_is_rejected_naming_data_url()
    {
        var rejected = ShouldBeRejected(Evaluate(PageView(ce => ce["data"]!.AsObject().Remove("url"))), "data.invalid", "data.url");
        rejected.Reason.ShouldContain("url");
    }

    [Fact]
    public void A_url_that_is_not_http_is_rejected() =>
        ShouldBeRejected(Evaluate(PageView(ce => ce["data"]!["url"] = "javascript:alert(1)")), "data.invalid", "data.url");

    [Fact]
    public void A_url_of_the_wrong_json_type_is_rejected_naming_the_field() =>
        ShouldBeRejected(Evaluate(PageView(ce => ce["data"]!["url"] = 42)), "data.invalid", "data.url");

    [Fact]
    public void An_unknown_category_is_rejected() =>
        ShouldBeRejected(Evaluate(PageView(ce => ce["data"]!["category"] = "lottery")), "data.invalid", "data.category");

    [Fact]
    public void An_unknown_specversion_is_rejected() =>
        ShouldBeRejected(Evaluate(PageView(ce => ce["specversion"] = "0.3")), "envelope.invalid", "specversion");

    [Fact]
    public void An_unknown_type_is_rejected() =>
        ShouldBeRejected(Evaluate(PageView(ce => ce["type"] = "web.page.liked")), "envelope.invalid", "type");

    [Fact]
    public void A_missing_id_is_rejected() =>
        ShouldBeRejected(Evaluate(PageView(ce => ce.Remove("id"))), "envelope.invalid", "id");

    [Fact]
    public void A_time_far_in_the_future_is_rejected() =>
        ShouldBeRejected(Evaluate(PageView(ce => ce["time"] = "2026-11-23T10:00:00Z")), "envelope.invalid", "time");

    [Fact]
    public void A_time_far_in_the_past_is_rejected() =>
        ShouldBeRejected(Evaluate(PageView(ce => ce["time"] = "2025-01-01T00:00:00Z")), "envelope.invalid", "time");

    [Fact]
    public void Data_without_any_identity_field_is_rejected() =>
        ShouldBeRejected(Evaluate(PageView(ce => ce["data"] = new JsonObject { ["url"] = "https://vendor.example/pricing" })), "data.invalid", "data");

    [Fact]
    public void A_free_mail_visitor_is_accepted_but_not_made_into_an_account()
    {
        var accepted = Evaluate(PageView(ce => ce["data"]!["email"] = "kim@gmail.com")).ShouldBeOfType<Accepted>();

        accepted.Attributed.ShouldBeFalse();
        accepted.Signal.ContactId.ShouldBe("kim@gmail.com");
    }

    [Fact]
    public void An_explicit_account_domain_wins_over_the_email_domain()
    {
        var accepted = Evaluate(PageView(ce => ce["data"]!["accountDomain"] = "www.Globex.com")).ShouldBeOfType<Accepted>();
        accepted.Signal.AccountId.ShouldBe("globex.com");
    }

    [Fact]
    public void An_event_on_the_wrong_topic_is_rejected() =>
        ShouldBeRejected(Evaluate(PageView(), topic: "demand.signals.chat"), "topic.mismatch", "type");

    [Fact]
    public void Truncated_json_is_rejected() =>
        ShouldBeRejected(Evaluate(Encoding.UTF8.GetBytes(PageView().ToJsonString()[..40])), "json.invalid", "message");

    [Fact]
    public void Invalid_utf8_is_rejected() =>
        Evaluate([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D]).ShouldBeOfType<Rejected>().Code.ShouldBe("json.invalid");

    [Fact]
    public void Deeply_nested_json_is_rejected()
    {
        var deep = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            deep.Append("{\"a\":");
        }

        deep.Append('1').Append('}', 100);
        var json = PageView().ToJsonString().Replace("\"title\"", "\"x\"", StringComparison.Ordinal).TrimEnd('}') + ",\"utm\":" + deep + "}}";
        Evaluate(Encoding.UTF8.GetBytes(json)).ShouldBeOfType<Rejected>().Code.ShouldBe("json.invalid");
    }

    [Fact]
    public void An_oversized_message_is_rejected_before_parsing() =>
        ShouldBeRejected(Evaluate(new byte[IngestionLimits.Default.MaxMessageBytes + 1]), "message.too_large", "message");

    [Fact]
    public void A_binary_mode_event_is_read_from_ce_headers()
    {
        var headers = new Dictionary<string, string>
        {
            ["ce_specversion"] = "1.0",
            ["ce_id"] = "b-1",
            ["ce_source"] = "https://vendor.example/web",
            ["ce_type"] = "web.page.viewed",
            ["ce_time"] = "2026-11-22T09:00:00Z",
            ["content-type"] = "application/json",
        };
        var data = Encoding.UTF8.GetBytes("""{"email":"lee@acme.com","url":"https://vendor.example/security/soc2"}""");

        var accepted = Evaluate(data, headers: headers).ShouldBeOfType<Accepted>();

        accepted.Signal.Category.ShouldBe("security");
        accepted.Signal.ContactId.ShouldBe("lee@acme.com");
    }

    [Fact]
    public void A_binary_mode_event_with_an_unreadable_time_is_rejected()
    {
        var headers = new Dictionary<string, string>
        {
            ["ce_specversion"] = "1.0", ["ce_id"] = "b-2", ["ce_source"] = "https://vendor.example/web", ["ce_type"] = "web.page.viewed", ["ce_time"] = "yesterday-ish",
        };

        ShouldBeRejected(Evaluate(Encoding.UTF8.GetBytes("""{"email":"lee@acme.com","url":"https://vendor.example/"}"""), headers: headers), "json.invalid", "time");
    }

    [Theory]
    [InlineData("web.form.submitted", "demand.signals.web", """{"email":"kim@acme.com","formKind":"demo_request","anonymousId":"v-1"}""")]
    [InlineData("web.content.downloaded", "demand.signals.web", """{"email":"kim@acme.com","assetId":"roi-guide","title":"ROI guide"}""")]
    [InlineData("chat.message.posted", "demand.signals.chat", """{"email":"kim@acme.com","conversationId":"c1","author":"visitor","intents":["pricing","security"],"text":"Do you support SSO?"}""")]
    [InlineData("chat.conversation.ended", "demand.signals.chat", """{"anonymousId":"v-9","conversationId":"c1","outcome":"handed_to_sales"}""")]
    [InlineData("email.opened", "demand.signals.email", """{"email":"kim@acme.com","messageId":"m1","campaignId":"q4"}""")]
    [InlineData("email.clicked", "demand.signals.email", """{"email":"kim@acme.com","messageId":"m1","url":"https://vendor.example/pricing"}""")]
    [InlineData("email.replied", "demand.signals.email", """{"email":"kim@acme.com","messageId":"m1","replyKind":"positive"}""")]
    [InlineData("email.bounced", "demand.signals.email", """{"email":"kim@acme.com","messageId":"m1"}""")]
    [InlineData("email.unsubscribed", "demand.signals.email", """{"email":"kim@acme.com","messageId":"m1"}""")]
    [InlineData("meeting.held", "demand.signals.meetings", """{"accountDomain":"acme.com","meetingId":"m1","sellerId":"ana","mode":"in_person","attendees":["kim@acme.com"],"durationMinutes":45}""")]
    [InlineData("crm.account.updated", "demand.crm", """{"accountDomain":"acme.com","name":"Acme","ownerSellerId":"ana","territory":"emea","annualRevenue":1200000,"tier":"1"}""")]
    public void Each_type_accepts_a_valid_payload(string type, string topic, string data)
    {
        var accepted = Evaluate(PageView(ce => { ce["type"] = type; ce["data"] = JsonNode.Parse(data); }), topic).ShouldBeOfType<Accepted>();

        accepted.Signal.Type.ShouldBe(type);
        accepted.Signal.Channel.ShouldBe(type.Split('.')[0]);
    }

    [Theory]
    [InlineData("web.form.submitted", "demand.signals.web", """{"email":"kim@acme.com"}""", "data.formKind")]
    [InlineData("chat.message.posted", "demand.signals.chat", """{"email":"kim@acme.com","conversationId":"c1","author":"robot"}""", "data.author")]
    [InlineData("email.replied", "demand.signals.email", """{"email":"kim@acme.com"}""", "data.messageId")]
    [InlineData("meeting.held", "demand.signals.meetings", """{"accountDomain":"acme.com","meetingId":"m1","sellerId":"ana","mode":"hybrid"}""", "data.mode")]
    [InlineData("crm.account.updated", "demand.crm", """{"email":"kim@acme.com"}""", "data.accountDomain")]
    public void Each_type_checks_its_required_fields(string type, string topic, string data, string field) =>
        ShouldBeRejected(Evaluate(PageView(ce => { ce["type"] = type; ce["data"] = JsonNode.Parse(data); }), topic), "data.invalid", field);

    [Fact]
    public void The_same_source_and_id_always_give_the_same_signal_id()
    {
        SignalIds.For("s", "1").ShouldBe(SignalIds.For("s", "1"));
        SignalIds.For("s", "1").ShouldNotBe(SignalIds.For("s", "2"));
        SignalIds.For("s", "1").ShouldNotBe(SignalIds.For("t", "1"));
    }

    [Theory]
    [InlineData("www.eu.acme.com", "acme.com")]
    [InlineData("shop.soylent.co.uk", "soylent.co.uk")]
    [InlineData("Globex.COM.", "globex.com")]
    [InlineData("not a domain", null)]
    public void Registrable_domains_drop_subdomains(string host, string? expected) => Domains.Registrable(host).ShouldBe(expected);
}
