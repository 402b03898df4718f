using System.Text;
using System.Text.Json.Nodes;
using DemandCenter.Host.Simulator;
using DemandCenter.Contracts;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests;

/// <summary>The first path end to end on real PostgreSQL and the mock-cluster broker: Kafka in, prompt pushed out.</summary>
public sealed class FirstPathTests(DemandTestHost host) : IClassFixture<DemandTestHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static string NewId() => Guid.NewGuid().ToString("n");

    [Fact]
    public async Task A_contact_sales_form_becomes_stream_events_and_a_call_prompt_due_in_five_minutes_pushed_to_the_owner_only()
    {
        await using var ana = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", await host.TokenAsync("ana"));
        await using var ben = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", await host.TokenAsync("ben"));
        var id = NewId();
        var signalId = SignalIds.For(CloudEvents.Source, id);

        await host.PublishAsync(Topics.SignalsWeb, "acme.com", CloudEvents.ContactSales(id, "kim@acme.com"));

        var prompt = await NextPromptFor(ana, signalId);
        prompt["accountId"]!.GetValue<string>().ShouldBe("acme.com");
        prompt["accountName"]!.GetValue<string>().ShouldBe("Acme");
        prompt["sellerId"]!.GetValue<string>().ShouldBe("ana");
        prompt["action"]!.GetValue<string>().ShouldBe("call");
        prompt["role"]!.GetValue<string>().ShouldBe("owner");
        prompt["contactId"]!.GetValue<string>().ShouldBe("kim@acme.com");
        prompt["reason"]!.GetValue<string>().ShouldContain("Kim from Acme submitted a contact sales form");
        var created = prompt["createdAt"]!.GetValue<DateTimeOffset>();
        (prompt["dueBy"]!.GetValue<DateTimeOffset>() - created).ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(5));
        prompt["bestTime"]!["from"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThanOrEqualTo(created);
        prompt["scores"]!["urgency"]!.GetValue<int>().ShouldBeGreaterThan(0);
        var sequence = prompt["sequence"]!.GetValue<long>();

        (await host.ScalarAsync<string>("SELECT stream_id FROM demand.events WHERE event_id = @id", ("id", signalId))).ShouldBe("account-acme.com");
        (await host.ScalarAsync<long>("SELECT count(*) FROM demand.consumer_offsets WHERE consumer_group = 'demand-journey'")).ShouldBeGreaterThan(0);

        using var anaHttp = await host.ClientForAsync("ana");
        var account = JsonNode.Parse(await anaHttp.GetStringAsync(new Uri("/api/v1/accounts/acme.com", UriKind.Relative)))!;
        account["signalCount"]!.GetValue<int>().ShouldBeGreaterThan(0);
        account["ownerSellerId"]!.GetValue<string>().ShouldBe("ana");
        account["focusJob"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        account["jobs"]!.AsArray().Count.ShouldBe(6);
        account["scores"]!["urgency"]!["drivers"]!.AsArray().Select(d => d!.GetValue<string>()).ShouldContain("asked to talk to sales");
        account["buyingGroup"]!.AsArray().Select(c => c!["contactId"]!.GetValue<string>()).ShouldContain("kim@acme.com");
        account["openPrompts"]!.AsArray().Select(p => p!["promptId"]!.GetValue<string>()).ShouldContain(prompt["promptId"]!.GetValue<string>());

        var caughtUp = (await ana.InvokeAsync("catchUp", sequence - 1))!.AsArray();
        caughtUp.Select(p => p!["promptId"]!.GetValue<string>()).ShouldContain(prompt["promptId"]!.GetValue<string>());
        (await ana.InvokeAsync("catchUp", sequence))!.AsArray().ShouldNotContain(p => p!["promptId"]!.GetValue<string>() == prompt["promptId"]!.GetValue<string>());

        // Ben's own prompt arrives after Ana's was pushed; by then Ana's would have reached him had it been sent to him.
        var benId = NewId();
        await host.PublishAsync(Topics.SignalsWeb, "globex.com", CloudEvents.ContactSales(benId, "hank@globex.com"));
        await NextPromptFor(ben, SignalIds.For(CloudEvents.Source, benId));
        ben.Received.ShouldNotContain(m => m.ToJsonString().Contains("acme.com", StringComparison.Ordinal));
        (await ben.InvokeAsync("catchUp", 0))!.AsArray().ShouldAllBe(p => p!["sellerId"]!.GetValue<string>() == "ben");
    }

    [Fact]
    public async Task An_event_without_url_is_dead_lettered_with_its_reason_and_the_stream_goes_on()
    {
        var badId = NewId();
        var goodId = NewId();
        var bad = CloudEvents.PageViewed(badId, "kim@acme.com", "/pricing", withUrl: false);

        await host.PublishAsync(Topics.SignalsWeb, "acme.com", bad);
        await host.PublishAsync(Topics.SignalsWeb, "acme.com", CloudEvents.PageViewed(goodId, "kim@acme.com", "/docs"));

        var dead = host.ConsumeUntil(Topics.DeadLetter, m => Encoding.UTF8.GetString(m.Message.Value).Contains(badId, StringComparison.Ordinal), Deadline);
        dead.Message.Value.ShouldBe(bad);
        dead.Message.Key.ShouldBe("acme.com");
        Header(dead, MessageHeaders.DeadLetterReason).ShouldContain("data.url");
        Header(dead, MessageHeaders.SourceTopic).ShouldBe(Topics.SignalsWeb);
        long.Parse(Header(dead, MessageHeaders.SourceOffset), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(0);
        await host.WaitUntilRecordedAsync(goodId);
        (await host.RecordedAsync(CloudEvents.Source, badId)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_replayed_duplicate_with_the_same_source_and_id_changes_nothing()
    {
        var id = NewId();
        var original = CloudEvents.PageViewed(id, "peter@initech.com", "/pricing");
        await host.PublishAsync(Topics.SignalsWeb, "initech.com", original);
        await host.WaitUntilRecordedAsync(id);
        var events = await host.ScalarAsync<long>("SELECT count(*) FROM demand.events WHERE stream_id = 'account-initech.com'");
        var prompts = await host.ScalarAsync<long>("SELECT count(*) FROM demand.prompts WHERE account_id = 'initech.com'");

        await host.PublishAsync(Topics.SignalsWeb, "initech.com", original);
        var sentinel = NewId();
        await host.PublishAsync(Topics.SignalsWeb, "initech.com", CloudEvents.PageViewed(sentinel, "peter@initech.com", "/blog/x"));
        await host.WaitUntilRecordedAsync(sentinel);

        (await host.ScalarAsync<long>("SELECT count(*) FROM demand.events WHERE stream_id = 'account-initech.com'")).ShouldBe(events + 1);
        (await host.ScalarAsync<long>("SELECT count(*) FROM demand.prompts WHERE account_id = 'initech.com'")).ShouldBe(prompts);
        (await host.ScalarAsync<long>("SELECT max(version) FROM demand.events WHERE stream_id = 'account-initech.com'")).ShouldBe(events + 1);
    }

    [Fact]
    public async Task A_page_view_published_with_kcat_reaches_the_journey()
    {
        var id = NewId();
        var json = Encoding.UTF8.GetString(CloudEvents.PageViewed(id, "lee@acme.com", "/security"));
        var psi = new System.Diagnostics.ProcessStartInfo("kcat", ["-b", host.BootstrapServers, "-t", Topics.SignalsWeb, "-P", "-k", "acme.com", "-H", "content-type=application/cloudevents+json"])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        using (var kcat = System.Diagnostics.Process.Start(psi)!)
        {
            await kcat.StandardInput.WriteLineAsync(json);
            kcat.StandardInput.Close();
            await kcat.WaitForExitAsync();
            kcat.ExitCode.ShouldBe(0, await kcat.StandardError.ReadToEndAsync());
        }

        await host.WaitUntilRecordedAsync(id);
    }

    private static async Task<JsonNode> NextPromptFor(HubProtocolClient client, Guid signalId)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var prompt = await client.NextAsync("promptReceived", deadline - DateTime.UtcNow);
            if (prompt!["evidence"]!.AsArray().Any(e => e!["signalId"]!.GetValue<string>() == signalId.ToString()))
            {
                return prompt;
            }
        }
    }

    private static string Header(Confluent.Kafka.ConsumeResult<string, byte[]> m, string key) =>
        m.Message.Headers.TryGetLastBytes(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : throw new ShouldAssertException($"header {key} missing");
}
