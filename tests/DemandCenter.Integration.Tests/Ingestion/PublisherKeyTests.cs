using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests.Ingestion;

/// <summary>Publisher keys through their life (created by an orchestrator, used, revoked) and the per-key rate limit.</summary>
public sealed class PublisherKeyTests(PublisherKeyTests.Host host) : IClassFixture<PublisherKeyTests.Host>
{
    public sealed class Host : DemandTestHost
    {
        protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { ["Demand:Ingestion:RequestsPerSecond"] = "3" };
    }

    private async Task<HttpStatusCode> PostAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/signals")
        {
            Content = new StringContent(Encoding.UTF8.GetString(CloudEvents.PageViewed(Guid.NewGuid().ToString("n"), "kim@acme.com", "/docs")), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (await host.Http.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task An_orchestrator_creates_a_key_that_works_until_it_is_revoked_and_sellers_cannot_manage_keys()
    {
        using var olga = await host.ClientForAsync("olga");
        using var ana = await host.ClientForAsync("ana");
        (await ana.PostAsJsonAsync(new Uri("/api/v1/admin/api-keys", UriKind.Relative), new { name = "web analytics" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await olga.PostAsJsonAsync(new Uri("/api/v1/admin/api-keys", UriKind.Relative), new { name = "" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var created = await olga.PostAsJsonAsync(new Uri("/api/v1/admin/api-keys", UriKind.Relative), new { name = "web analytics" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var key = body["key"]!.GetValue<string>();
        var id = body["id"]!.GetValue<string>();

        (await PostAsync(key)).ShouldBe(HttpStatusCode.Accepted);
        var listed = await olga.GetStringAsync(new Uri("/api/v1/admin/api-keys", UriKind.Relative));
        listed.ShouldContain("web analytics");
        listed.ShouldNotContain(key);
        (await host.ScalarAsync<long>("SELECT count(*) FROM demand.api_keys WHERE sha256 = @h", ("h", DemandCenter.Ingestion.Collector.ApiKeys.Hash(key)))).ShouldBe(1);

        (await olga.DeleteAsync(new Uri($"/api/v1/admin/api-keys/{id}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await Wait.UntilAsync(async () => await PostAsync(key) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(20), "the revoked key to be refused");
    }

    [Fact]
    public async Task A_publisher_over_its_rate_gets_429()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12 && !statuses.Contains(HttpStatusCode.TooManyRequests); i++)
        {
            statuses.Add(await PostAsync(host.ApiKey));
        }

        statuses[0].ShouldBe(HttpStatusCode.Accepted);
        statuses.ShouldContain(HttpStatusCode.TooManyRequests);
    }
}
