using System.Globalization;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Kafka;
using Microsoft.Extensions.Options;

namespace DemandCenter.Host.Simulator;

/// <summary>
/// Plays the marketing systems in embedded mode: publishes web.page.viewed CloudEvents for the roster's contacts
/// to demand.signals.web, as a web analytics tool would, so the inbox fills while someone watches.
/// About one in fifty events is malformed on purpose, to show dead-lettering.
/// </summary>
public sealed class TrafficSimulator(
    SharedProducer producer,
    IOptionsMonitor<RosterOptions> roster,
    IOptionsMonitor<SimulatorOptions> options,
    TimeProvider time,
    ILogger<TrafficSimulator> logger) : BackgroundService
{
    private long _sequence;

    private static readonly (string Path, string Title, int Weight)[] Pages =
    [
        ("/blog/why-real-time-intent", "Why real-time intent matters", 20),
        ("/product", "Product overview", 15),
        ("/solutions/revenue-teams", "For revenue teams", 10),
        ("/customers/northwind", "Northwind case study", 8),
        ("/docs/getting-started", "Getting started", 10),
        ("/integrations/salesforce", "Salesforce integration", 7),
        ("/security", "Security and compliance", 8),
        ("/pricing", "Pricing", 12),
        ("/compare/legacy-intent", "Compare", 5),
        ("/careers", "Careers", 5),
    ];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.CurrentValue.SignalsPerSecond > 0 ? SteadyAsync(options.CurrentValue.SignalsPerSecond, stoppingToken) : RelaxedAsync(stoppingToken);

    /// <summary>The demo pace: about one page view a second, each awaited.</summary>
    private async Task RelaxedAsync(CancellationToken stoppingToken)
    {
        var random = new Random();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(600, 1800)), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var accounts = roster.CurrentValue.Accounts.Where(a => a.Contacts.Count > 0).ToList();
            if (stoppingToken.IsCancellationRequested || accounts.Count == 0)
            {
                continue;
            }

            var (key, value) = Next(random, accounts);
            try
            {
                await producer.ProduceAsync(Topics.SignalsWeb, key, value, Headers(), stoppingToken);
            }
            catch (ProduceException<string, byte[]> ex)
            {
                logger.LogWarning("Simulator could not publish: {Reason}", ex.Error.Reason);
            }
        }
    }

    /// <summary>
    /// A fixed rate (Demand:Simulator:SignalsPerSecond, for load tests): every 10 ms it queues what is due, without
    /// waiting for each delivery, so the rate holds whatever the broker's latency.
    /// </summary>
    private async Task SteadyAsync(double perSecond, CancellationToken stoppingToken)
    {
        var random = new Random();
        var accounts = roster.CurrentValue.Accounts.Where(a => a.Contacts.Count > 0).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sent = 0L;
        while (!stoppingToken.IsCancellationRequested && accounts.Count > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            for (var due = (long)(clock.Elapsed.TotalSeconds * perSecond) - sent; due > 0 && !stoppingToken.IsCancellationRequested; due--, sent++)
            {
                var (key, value) = Next(random, accounts);
                try
                {
                    producer.Produce(Topics.SignalsWeb, key, value, Headers(), report =>
                    {
                        if (report.Error.IsError)
                        {
                            logger.LogWarning("Simulator could not publish: {Reason}", report.Error.Reason);
                        }
                    });
                }
                catch (ProduceException<string, byte[]> ex)
                {
                    // The producer's queue is full: this signal is dropped, the rate goes on.
                    logger.LogWarning("Simulator could not queue: {Reason}", ex.Error.Reason);
                }
            }
        }
    }

    private static Headers Headers() => new Headers().AddString(MessageHeaders.ContentType, MessageHeaders.CloudEventsContentType);

    /// <summary>One page view by a random contact of a random account, stamped with the time it is published.</summary>
    private (string Key, byte[] Value) Next(Random random, List<RosterAccount> accounts)
    {
        var account = accounts[random.Next(accounts.Count)];
        var contact = account.Contacts[random.Next(account.Contacts.Count)];
        var page = Pick(random);
        var malformed = random.Next(50) == 0;
        var data = new Dictionary<string, object?>
        {
            ["anonymousId"] = "v-" + contact.GetHashCode(StringComparison.Ordinal).ToString("x8", CultureInfo.InvariantCulture),
            ["email"] = contact,
            ["url"] = malformed ? null : "https://vendor.example" + page.Path,
            ["title"] = page.Title,
            ["durationSeconds"] = random.Next(5, 240),
        };
        var ce = new
        {
            specversion = "1.0",
            id = $"sim-{Environment.ProcessId}-{Interlocked.Increment(ref _sequence)}",
            source = "https://vendor.example/web-analytics",
            type = SignalTypes.PageViewed,
            time = time.GetUtcNow(),
            datacontenttype = "application/json",
            data,
        };
        return (account.AccountId, ContractJson.Serialize(ce));
    }

    private static (string Path, string Title, int Weight) Pick(Random random)
    {
        var roll = random.Next(Pages.Sum(p => p.Weight));
        foreach (var page in Pages)
        {
            roll -= page.Weight;
            if (roll < 0)
            {
                return page;
            }
        }

        return Pages[0];
    }
}

/// <summary>Bound from "Demand:Simulator".</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Demand:Simulator";

    /// <summary>0 (the default): the demo pace of about one signal a second. Above 0: that many signals a second, steadily.</summary>
    public double SignalsPerSecond { get; set; }
}
