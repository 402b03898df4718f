using System.Net;
using System.Net.WebSockets;
using DemandCenter.Host.Simulator;
using DemandCenter.Testing;
using Microsoft.Extensions.Logging;

namespace DemandCenter.Integration.Tests.Hub;

/// <summary>Who may open a hub connection, from which page, and what the logs never hold.</summary>
[Collection(HubCollection.Name)]
public sealed class HubSecurityTests(HubHost host)
{
    [Fact]
    public async Task No_token_is_refused_on_both_hubs()
    {
        await Should.ThrowAsync<WebSocketException>(() => HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", accessToken: null));
        await Should.ThrowAsync<WebSocketException>(() => HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/board", accessToken: null));
        await Should.ThrowAsync<WebSocketException>(() => HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", accessToken: "not.a.token"));
    }

    [Fact]
    public async Task A_page_from_a_foreign_origin_is_refused_with_403_and_listed_or_own_origins_connect()
    {
        var token = await host.TokenAsync("ana");

        var refused = await Should.ThrowAsync<WebSocketException>(() => HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", token, origin: "https://evil.example"));
        refused.Message.ShouldContain("403");
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/hubs/sellers/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Origin", "https://evil.example");
        negotiate.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        (await host.Http.SendAsync(negotiate)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await Should.ThrowAsync<WebSocketException>(async () => await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/board", await host.TokenAsync("olga"), origin: "http://127.0.0.1.evil.example"));

        await using var own = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", token, origin: host.BaseUrl);
        await using var partner = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", token, origin: HubHost.PartnerOrigin);
        await using var noOrigin = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", token);
        (own.State, partner.State, noOrigin.State).ShouldBe((WebSocketState.Open, WebSocketState.Open, WebSocketState.Open));
    }

    [Fact]
    public async Task A_message_over_32_KiB_closes_the_connection()
    {
        await using var ana = await host.SellerAsync("ana");

        var error = await Should.ThrowAsync<HubInvocationException>(() => ana.InvokeAsync("accept", new string('x', 40 * 1024)));

        error.Message.ShouldContain("The connection closed");
        ana.Closed.ShouldBeTrue();
    }

    [Fact]
    public async Task Tokens_in_hub_urls_never_reach_the_logs_even_at_trace_level()
    {
        var token = await host.TokenAsync("ben");
        await using (var ben = await HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/sellers", token))
        {
            await ben.InvokeAsync("catchUp", 0);
        }

        // A refused connection is logged too.
        await Should.ThrowAsync<WebSocketException>(() => HubProtocolClient.ConnectAsync(host.BaseUrl, "/hubs/board", token));

        // Requests are logged in detail (the test would see a token if one were written)...
        host.Logs.Entries.ShouldContain(e => e.Level <= LogLevel.Debug && e.Text.Contains("/hubs/sellers", StringComparison.Ordinal));

        // ...but no line anywhere holds a token or its signature.
        var signature = token.Split('.')[2];
        host.Logs.Entries.ShouldNotContain(e => e.Text.Contains(signature, StringComparison.Ordinal));
        host.Logs.Entries.ShouldNotContain(e => e.Text.Contains("access_token=", StringComparison.Ordinal));
    }
}
