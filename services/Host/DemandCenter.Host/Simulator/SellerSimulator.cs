using System.Net.WebSockets;
using System.Text.Json.Nodes;
using DemandCenter.Contracts;
using DemandCenter.Host.Composition;
using DemandCenter.Hub.Auth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace DemandCenter.Host.Simulator;

/// <summary>
/// Plays some of the roster's sellers in embedded mode, as <see cref="TrafficSimulator"/> plays the marketing systems:
/// each signs in with a demo token and works the prompts of their feeds through the sellers' hub, as a person in the
/// inbox would. After a while a seller accepts most prompts (and later completes them with an outcome), dismisses some
/// with a reason and snoozes others. Without them every account soon holds an open prompt per action, which stops the
/// next one of its kind, and the forward echo and best-time models get no outcomes.
/// </summary>
public sealed class SellerSimulator(
    IServer server,
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    IOptions<SimulatorOptions> options,
    TimeProvider time,
    ILogger<SellerSimulator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sellers = options.Value.SellerIds();
        var tokens = services.GetService<DevTokens>();
        if (sellers.Count == 0)
        {
            return;
        }

        if (tokens is null)
        {
            logger.LogInformation("No simulated sellers: the Hub is not in this process");
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var baseUrl = DemandApp.BaseUrl(server);
        logger.LogInformation("Simulated sellers working their prompts: {Sellers}", string.Join(", ", sellers));
        await Task.WhenAll(sellers.Select(id => KeepWorkingAsync(id, tokens, baseUrl, stoppingToken)));
    }

    /// <summary>One seller, connected again after the hub drops them (say, a restart of the Hub).</summary>
    private async Task KeepWorkingAsync(string sellerId, DevTokens tokens, string baseUrl, CancellationToken ct)
    {
        var retry = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            var token = tokens.Issue(sellerId);
            if (token is null)
            {
                logger.LogWarning("Simulated seller {Seller} cannot sign in: not in the roster, or no key for demo tokens", sellerId);
                return;
            }

            try
            {
                await using var client = await HubProtocolClient.ConnectAsync(baseUrl, "/hubs/sellers", token, keepReceived: false);
                retry = TimeSpan.FromSeconds(1);
                await new SimulatedSeller(sellerId, client, options.Value.SellerThinkTime, time, logger).WorkAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is WebSocketException or HubInvocationException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning("Simulated seller {Seller} lost the sellers' hub ({Error}); connecting again in {Retry}", sellerId, ex.Message, retry);
            }

            await Task.Delay(retry, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    /// <summary>One connection's work: the prompts caught up on at first, then each one pushed, acted on after a think.</summary>
    private sealed class SimulatedSeller(string sellerId, HubProtocolClient client, TimeSpan think, TimeProvider time, ILogger logger)
    {
        private readonly Lock _gate = new();

        /// <summary>The status each prompt was last planned for: a push repeating it plans nothing new.</summary>
        private readonly Dictionary<string, string> _planned = new(StringComparer.Ordinal);

        private readonly List<Task> _acting = [];

        public async Task WorkAsync(CancellationToken ct)
        {
            // What is already in the feeds, a page at a time (the hub's pages are in sequence order).
            for (long after = 0, last = -1; after > last;)
            {
                last = after;
                foreach (var prompt in ((await client.InvokeAsync("catchUp", after))?.AsArray() ?? []).OfType<JsonObject>())
                {
                    Consider(prompt, ct);
                    after = Math.Max(after, prompt["sequence"]?.GetValue<long>() ?? after);
                }
            }

            await foreach (var message in client.Invocations.ReadAllAsync(ct))
            {
                // promptReceived carries the prompt; promptUpdated an update with the prompt as it now is.
                var argument = message["arguments"]?[0];
                if ((argument?["prompt"] ?? argument) is JsonObject prompt)
                {
                    Consider(prompt, ct);
                }
            }

            Task[] acting;
            lock (_gate)
            {
                acting = [.. _acting];
            }

            await Task.WhenAll(acting);
        }

        private void Consider(JsonObject prompt, CancellationToken ct)
        {
            var id = prompt["promptId"]?.GetValue<string>();
            var status = prompt["status"]?.GetValue<string>();
            var owner = prompt["sellerId"]?.GetValue<string>();
            if (id is null || status is null)
            {
                return;
            }

            var workable = (owner == sellerId || (owner is not null && PromptPools.IsPool(owner))) && status is PromptStatus.Open or PromptStatus.Accepted;
            lock (_gate)
            {
                if (!workable)
                {
                    _planned.Remove(id);
                    return;
                }

                if (_planned.TryGetValue(id, out var planned) && planned == status)
                {
                    return;
                }

                _planned[id] = status;
                _acting.RemoveAll(t => t.IsCompleted);
                _acting.Add(ActAsync(id, status, prompt["accountId"]?.GetValue<string>(), ct));
            }
        }

        /// <summary>How often a seller tries an action the hub did not confirm (a busy Journey, the action limit) before leaving the prompt to the next push.</summary>
        private const int Attempts = 3;

        private async Task ActAsync(string promptId, string status, string? accountId, CancellationToken ct)
        {
            for (var attempt = 1; attempt <= Attempts; attempt++)
            {
                try
                {
                    await Task.Delay(think * (0.5 + Random.Shared.NextDouble()), time, ct);
                    lock (_gate)
                    {
                        // Moved on meanwhile (another tab, a re-route, the clock): that change plans what comes next.
                        if (!_planned.TryGetValue(promptId, out var planned) || planned != status)
                        {
                            return;
                        }
                    }

                    var (method, argument) = Choose(status);
                    var update = await client.InvokeAsync(method, argument is null ? [promptId] : [promptId, argument]);
                    logger.LogDebug("Simulated seller {Seller} did {Action} on a prompt for {Account}", sellerId, method, accountId);
                    if (update?["prompt"] is JsonObject now)
                    {
                        Consider(now, ct);
                    }

                    return;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return; // Stopping.
                }
                catch (Exception ex) when (ex is HubInvocationException or TimeoutException or WebSocketException)
                {
                    // Refused (no longer theirs, already closed, the action limit, no confirmation in time) or the
                    // connection went: like a person, try again after a while, then leave it to the next push.
                    logger.LogDebug("Simulated seller {Seller} could not act on a prompt for {Account} (attempt {Attempt}): {Error}", sellerId, accountId, attempt, ex.Message);
                }
            }

            lock (_gate)
            {
                // Unless a push planned something else for it meanwhile.
                if (_planned.TryGetValue(promptId, out var planned) && planned == status)
                {
                    _planned.Remove(promptId);
                }
            }
        }

        /// <summary>What a person might do with a prompt in this status: mostly take it on and see it through.</summary>
        private (string Method, object? Argument) Choose(string status)
        {
            var roll = Random.Shared.NextDouble();
            if (status == PromptStatus.Accepted)
            {
                return ("complete", roll switch
                {
                    < 0.35 => PromptOutcomes.Connected,
                    < 0.55 => PromptOutcomes.MeetingBooked,
                    < 0.85 => PromptOutcomes.NoAnswer,
                    _ => PromptOutcomes.NotInterested,
                });
            }

            return roll switch
            {
                < 0.70 => ("accept", null),
                < 0.85 => ("dismiss", DismissReasons.All[Random.Shared.Next(DismissReasons.All.Count)]),
                _ => ("snooze", time.GetUtcNow() + (think * (2 + (2 * Random.Shared.NextDouble())))),
            };
        }
    }
}
