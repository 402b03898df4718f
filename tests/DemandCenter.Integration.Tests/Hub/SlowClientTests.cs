using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using DemandCenter.Contracts;
using DemandCenter.Hub.Sellers;
using DemandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DemandCenter.Integration.Tests.Hub;

/// <summary>One seller's stuck client must not hold up the others' prompts.</summary>
[Collection(HubCollection.Name)]
public sealed class SlowClientTests(HubHost host)
{
    [Fact]
    public async Task A_seller_whose_client_stops_reading_does_not_hold_up_another_sellers_prompts()
    {
        using var frozen = await FrozenClientAsync(await host.TokenAsync("rita"));
        // From here on the client never reads: the server's buffers towards it fill up.
        await using var ben = await host.SellerAsync("ben");
        var pushes = host.Services.GetRequiredService<GroupSends>();
        var padding = new string('x', 5_000);

        host.PublishMany(Topics.Prompts, Enumerable.Range(0, 2_000)
            .Select(i => ("stuck" + (i % 16) + ".com", ContractJson.Serialize(ScriptedJourney.Prompt("rita", "stuck.com") with { Reason = padding }))));
        // 2,000 pushes of 5 KB through the Hub's consumer: on a machine busy with the other test classes this took over 15 s once.
        await Wait.UntilAsync(() => pushes.Outstanding > 0, TimeSpan.FromSeconds(60), "pushes to the frozen client to back up");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var bens = await host.Journey.RaiseAsync("ben", "globex.com");

        await ben.NextPromptAsync("promptReceived", bens.PromptId);
        // Awaited, the stuck write would hold the fan-out until the server gives up on the frozen client (seconds).
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3));
        frozen.Abort();
    }

    /// <summary>
    /// A hub connection over a socket with a small receive buffer (so that the server's side fills after a few
    /// megabytes rather than the tens that loopback auto-tuning allows), handshaken and then never read.
    /// </summary>
    private async Task<WebSocket> FrozenClientAsync(string token)
    {
        var uri = new Uri(host.BaseUrl);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(uri.Host, uri.Port);
        var stream = new NetworkStream(socket, ownsSocket: true);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /hubs/sellers?access_token={Uri.EscapeDataString(token)} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }

        head.ToString().ShouldStartWith("HTTP/1.1 101");
        var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false });
        await ws.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        return ws;
    }
}
