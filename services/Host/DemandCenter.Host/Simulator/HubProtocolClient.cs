using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace DemandCenter.Host.Simulator;

/// <summary>
/// A SignalR client speaking the JSON hub protocol over a WebSocket (the .NET SignalR client's packages are not
/// available to this build, README, Dependencies): handshake, invocations with their completions, and the server's
/// invocations in arrival order. The simulated sellers use it, and so do the tests.
/// </summary>
public sealed class HubProtocolClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _invocations = Channel.CreateUnbounded<JsonObject>();
    private readonly Dictionary<string, TaskCompletionSource<JsonObject>> _pending = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<JsonObject> _all = new();
    private readonly bool _keepReceived;
    private Task? _receive;
    private int _nextId;

    private HubProtocolClient(bool keepReceived) => _keepReceived = keepReceived;

    public WebSocketState State => _socket.State;

    /// <summary>True once the server closed the hub connection (a close message or the socket's end); <see cref="CloseError"/> says why.</summary>
    public bool Closed { get; private set; }

    public string? CloseError { get; private set; }

    /// <summary>Every server-to-client invocation received so far, read or not (only when kept: see <see cref="ConnectAsync"/>).</summary>
    public IReadOnlyCollection<JsonObject> Received => _all;

    /// <summary>The server's invocations not yet read (<c>target</c>, <c>arguments</c>); completes when the connection closes.</summary>
    public ChannelReader<JsonObject> Invocations => _invocations.Reader;

    /// <summary>
    /// Connects to e.g. /hubs/sellers with the token in the query string, as browsers do. A long-lived client passes
    /// <paramref name="keepReceived"/> false, so that <see cref="Received"/> does not grow with every message.
    /// </summary>
    public static async Task<HubProtocolClient> ConnectAsync(string baseUrl, string path, string? accessToken, string? origin = null, bool keepReceived = true)
    {
        var client = new HubProtocolClient(keepReceived);
        if (origin is not null)
        {
            client._socket.Options.SetRequestHeader("Origin", origin);
        }

        var uri = new Uri(baseUrl.Replace("http", "ws", StringComparison.Ordinal) + path + (accessToken is null ? "" : (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "access_token=" + Uri.EscapeDataString(accessToken)));
        await client._socket.ConnectAsync(uri, CancellationToken.None);
        await client.SendAsync("""{"protocol":"json","version":1}""");
        var handshake = await client.ReceiveRecordAsync(CancellationToken.None);
        if (handshake is null || handshake.ContainsKey("error"))
        {
            throw new InvalidOperationException("Handshake failed: " + handshake?.ToJsonString());
        }

        client._receive = client.ReceiveLoopAsync();
        return client;
    }

    public async Task<JsonNode?> InvokeAsync(string target, params object?[] args)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pending[id] = tcs;
        }

        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments = args }));
        var completion = await tcs.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (completion["error"] is { } error)
        {
            throw new HubInvocationException(error.GetValue<string>());
        }

        return completion["result"];
    }

    /// <summary>The next server-to-client invocation of <paramref name="target"/>, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<JsonNode?> NextAsync(string target, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var message = await _invocations.Reader.ReadAsync(cts.Token);
                if (string.Equals(message["target"]?.GetValue<string>(), target, StringComparison.OrdinalIgnoreCase))
                {
                    return message["arguments"]?[0];
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No '{target}' within {timeout}.");
        }
    }

    /// <summary>Every server-to-client invocation received so far that has not been read.</summary>
    public List<JsonObject> Drain()
    {
        var list = new List<JsonObject>();
        while (_invocations.Reader.TryRead(out var m))
        {
            list.Add(m);
        }

        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            }
            catch (WebSocketException)
            {
                // The server may already have gone: closing is best effort.
            }
        }

        if (_receive is not null)
        {
            await _receive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var record = await ReceiveRecordAsync(_stop.Token);
                if (record is null)
                {
                    break;
                }

                switch (record["type"]?.GetValue<int>())
                {
                    case 1:
                        if (_keepReceived)
                        {
                            _all.Enqueue(record);
                        }

                        await _invocations.Writer.WriteAsync(record);
                        break;
                    case 3:
                        var id = record["invocationId"]!.GetValue<string>();
                        TaskCompletionSource<JsonObject>? tcs;
                        lock (_gate)
                        {
                            _pending.Remove(id, out tcs);
                        }

                        tcs?.TrySetResult(record);
                        break;
                    case 7:
                        CloseError = record["error"]?.GetValue<string>();
                        return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Closed: the client was disposed or the server dropped it.
        }
        finally
        {
            Closed = true;
            _invocations.Writer.TryComplete();
            List<TaskCompletionSource<JsonObject>> orphans;
            lock (_gate)
            {
                orphans = [.. _pending.Values];
                _pending.Clear();
            }

            // Invocations still waiting will never be answered on a closed connection.
            foreach (var tcs in orphans)
            {
                tcs.TrySetException(new HubInvocationException("The connection closed: " + (CloseError ?? "no reason given")));
            }
        }
    }

    private readonly Queue<string> _buffered = new();
    private readonly StringBuilder _partial = new();
    private readonly byte[] _buffer = new byte[16 * 1024];

    // Stateful, so that a character split between two frames decodes whole.
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private readonly char[] _chars = new char[Encoding.UTF8.GetMaxCharCount(16 * 1024)];

    private async Task<JsonObject?> ReceiveRecordAsync(CancellationToken ct)
    {
        while (_buffered.Count == 0)
        {
            var result = await _socket.ReceiveAsync(_buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            _partial.Append(_chars, 0, _utf8.GetChars(_buffer, 0, result.Count, _chars, 0));
            var text = _partial.ToString();
            var last = text.LastIndexOf(RecordSeparator);
            if (last < 0)
            {
                continue;
            }

            foreach (var part in text[..last].Split(RecordSeparator))
            {
                _buffered.Enqueue(part);
            }

            _partial.Clear().Append(text[(last + 1)..]);
        }

        return JsonNode.Parse(_buffered.Dequeue())!.AsObject();
    }
}

public sealed class HubInvocationException(string message) : Exception(message);
