using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using DemandCenter.Host.Simulator;
using DemandCenter.Ingestion.Domain;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests;

/// <summary>Who may do what: tokens for the APIs and hubs, API keys for publishers, and the collector's status codes.</summary>
public sealed class SecurityAndCollectorTests(DemandTestHost host) : IClassFixture<DemandTestHost>
{
    private HttpRequestMessage Post(string body, string? key, string contentType = "application/cloudevents+json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/signals") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    private static string PageView(string id, bool withUrl = true) => Encoding.UTF8.GetString(CloudEvents.PageViewed(id, "ivy@globex.com", "/pricing", withUrl: withUrl));

    [Fact]
    public async Task The_apis_refuse_requests_without_a_token()
    {
        (await host.Http.GetAsync(new Uri("/api/v1/accounts/acme.com", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.Http.GetAsync(new Uri("/api/v1/sellers/ana/prompts", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.Http.GetAsync(new Uri("/api/v1/accounts", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_forged_token_is_refused()
    {
        var token = await host.TokenAsync("ana");
        var forged = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");
        using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);

        (await client.GetAsync(new Uri("/api/v1/accounts/acme.com", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_seller_reads_their_own_prompts_but_not_another_sellers()
    {
        using var ana = await host.ClientForAsync("ana");
        (await ana.GetAsync(new Uri("/api/v1/sellers/ana/prompts?status=open", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var refused = await ana.GetAsync(new Uri("/api/v1/sellers/ben/prompts", UriKind.Relative));
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        using var olga = await host.ClientForAsync("olga");
        (await olga.GetAsync(new Uri("/api/v1/sellers/ben/prompts", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_seller_hub_refuses_a_connection_without_a_token_and_an_orchestrator_token()
    {
        await Should.ThrowAsync<WebSocketException>(() => HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", accessToken: null));
        await Should.ThrowAsync<WebSocketException>(async () => await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", await host.TokenAsync("olga")));
    }

    [Fact]
    public async Task A_token_in_the_query_string_counts_only_on_a_hub_websocket()
    {
        var token = Uri.EscapeDataString(await host.TokenAsync("ana"));

        (await host.Http.GetAsync(new Uri($"/api/v1/accounts/acme.com?access_token={token}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.Http.PostAsync(new Uri($"/hubs/sellers/negotiate?negotiateVersion=1&access_token={token}", UriKind.Relative), null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await using var hub = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", await host.TokenAsync("ana"));
        hub.State.ShouldBe(WebSocketState.Open);
    }

    [Fact]
    public async Task A_dev_token_is_issued_only_for_roster_members()
    {
        var unknown = await host.Http.PostAsJsonAsync(new Uri("/api/v1/dev/token", UriKind.Relative), new { sub = "mallory" });
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync()).ShouldContain("sub");
        (await host.TokenAsync("ana")).Split('.').Length.ShouldBe(3);
    }

    [Fact]
    public async Task Posting_a_page_view_with_an_api_key_is_accepted_and_reaches_the_journey()
    {
        var id = Guid.NewGuid().ToString("n");

        var response = await host.Http.SendAsync(Post(PageView(id), host.ApiKey));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["accepted"]!.GetValue<int>().ShouldBe(1);
        body["rejected"]!.GetValue<int>().ShouldBe(0);
        await host.WaitUntilRecordedAsync(id);
    }

    [Fact]
    public async Task Posting_without_a_valid_key_is_401()
    {
        (await host.Http.SendAsync(Post(PageView("x"), key: null))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.Http.SendAsync(Post(PageView("x"), key: "not-a-key"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Posting_an_event_without_url_is_400_problem_naming_the_field()
    {
        var response = await host.Http.SendAsync(Post(PageView("no-url", withUrl: false), host.ApiKey));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["errors"]!["data.url"].ShouldNotBeNull();
    }

    [Fact]
    public async Task A_batch_names_each_bad_event_by_index_and_accepts_the_good_ones()
    {
        var batch = $"[{PageView(Guid.NewGuid().ToString("n"))},{PageView("bad", withUrl: false)}]";

        var response = await host.Http.SendAsync(Post(batch, host.ApiKey, "application/cloudevents-batch+json"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["accepted"]!.GetValue<int>().ShouldBe(1);
        body["rejected"]!.GetValue<int>().ShouldBe(1);
        body["errors"]!["events[1].data.url"].ShouldNotBeNull();
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var huge = "[" + string.Join(',', Enumerable.Repeat(PageView("big"), 5000)) + "]";

        (await host.Http.SendAsync(Post(huge, host.ApiKey, "application/cloudevents-batch+json"))).StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }
}
