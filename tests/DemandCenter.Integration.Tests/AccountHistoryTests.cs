using System.Net;
using System.Text.Json.Nodes;
using DemandCenter.Contracts;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests;

/// <summary>The account's history through the API: time travel over its stream, and a contact's erasure.</summary>
public sealed class AccountHistoryTests(DemandTestHost host) : IClassFixture<DemandTestHost>
{
    private async Task SignalAsync(string account, string email, string path)
    {
        var id = Guid.NewGuid().ToString("n");
        await host.PublishAsync(Topics.SignalsWeb, account, CloudEvents.PageViewed(id, email, path));
        await host.WaitUntilRecordedAsync(id);
    }

    [Fact]
    public async Task The_timeline_shows_the_account_as_it_was_at_any_moment()
    {
        await SignalAsync("globex.com", "hank@globex.com", "/blog/intent");
        await SignalAsync("globex.com", "ivy@globex.com", "/docs/api");
        await SignalAsync("globex.com", "hank@globex.com", "/pricing");
        using var ben = await host.ClientForAsync("ben");

        var now = JsonNode.Parse(await ben.GetStringAsync(new Uri("/api/v1/accounts/globex.com/timeline", UriKind.Relative)))!;
        var events = now["events"]!.AsArray();
        var types = events.Select(e => e!["type"]!.GetValue<string>()).ToList();
        types.Count(t => t == "journey.signal_recorded.v1").ShouldBe(3);
        types.ShouldContain("journey.focus_job_changed.v1");
        now["position"]!["focusJob"]!.GetValue<string>().ShouldBe("supplier_selection");
        now["position"]!["furthestJob"]!.GetValue<string>().ShouldBe("supplier_selection");
        var firstAt = events[0]!["recordedAt"]!.GetValue<DateTimeOffset>();

        var then = JsonNode.Parse(await ben.GetStringAsync(new Uri($"/api/v1/accounts/globex.com/timeline?asOf={Uri.EscapeDataString(firstAt.ToString("O"))}", UriKind.Relative)))!;

        var thenEvents = then["events"]!.AsArray();
        thenEvents.Count(e => e!["type"]!.GetValue<string>() == "journey.signal_recorded.v1").ShouldBe(1);
        then["version"]!.GetValue<long>().ShouldBe(thenEvents.Count);
        then["position"]!["focusJob"]!.GetValue<string>().ShouldBe("problem_identification");
        then["position"]!["buyingGroup"]!.AsArray().Select(c => c!["contactId"]!.GetValue<string>()).ShouldBe(["hank@globex.com"]);
    }

    [Fact]
    public async Task An_erased_contact_disappears_from_the_account_its_prompts_and_its_events_while_the_history_stays()
    {
        await SignalAsync("hooli.com", "gavin@hooli.com", "/pricing");
        await SignalAsync("hooli.com", "denpok@hooli.com", "/docs");
        using var ben = await host.ClientForAsync("ben");
        using var olga = await host.ClientForAsync("olga");
        (await ben.DeleteAsync(new Uri("/api/v1/contacts/gavin@hooli.com", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await olga.DeleteAsync(new Uri("/api/v1/contacts/gavin@hooli.com", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var account = JsonNode.Parse(await ben.GetStringAsync(new Uri("/api/v1/accounts/hooli.com", UriKind.Relative)))!;
        var group = account["buyingGroup"]!.AsArray().Select(c => c!["contactId"]!.GetValue<string>()).ToList();
        group.ShouldNotContain("gavin@hooli.com");
        group.ShouldContain("denpok@hooli.com");
        account["signalCount"]!.GetValue<int>().ShouldBe(2);
        var prompts = (await ben.GetStringAsync(new Uri("/api/v1/sellers/ben/prompts", UriKind.Relative)));
        prompts.ShouldNotContain("gavin@hooli.com");
        prompts.ShouldContain("Hooli");
        var timeline = await ben.GetStringAsync(new Uri("/api/v1/accounts/hooli.com/timeline", UriKind.Relative));
        timeline.ShouldNotContain("gavin@hooli.com");
        timeline.ShouldContain("[erased]");
        JsonNode.Parse(timeline)!["events"]!.AsArray().Count(e => e!["type"]!.GetValue<string>() == "journey.signal_recorded.v1").ShouldBe(2);
        (await host.ScalarAsync<long>("SELECT count(*) FROM demand.events WHERE data::text LIKE '%gavin@hooli.com%'")).ShouldBe(0);
        // The rebuilt row keeps what the directory says about the account: the board still shows its name and owner.
        var cards = JsonNode.Parse(await ben.GetStringAsync(new Uri("/api/v1/accounts?owner=ben", UriKind.Relative)))!.AsArray();
        cards.Single(c => c!["accountId"]!.GetValue<string>() == "hooli.com")!["name"]!.GetValue<string>().ShouldBe("Hooli");
    }
}
