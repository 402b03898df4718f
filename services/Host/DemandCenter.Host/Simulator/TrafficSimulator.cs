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
public sealed class TrafficSimulator(SharedProducer producer, IOptionsMonitor<RosterOptions> roster, TimeProvider time, ILogger<TrafficSimulator> logger) : BackgroundService
{
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var random = new Random();
        var sequence = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(600, 1800)), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var accounts = roster.CurrentValue.Accounts.Where(a => a.Contacts.Count > 0).ToList();
            if (stoppingToken.IsCancellationRequested || accounts.Count == 0)
            {
                continue;
            }

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
                id = $"sim-{Environment.ProcessId}-{++sequence}",
                source = "https://vendor.example/web-analytics",
                type = SignalTypes.PageViewed,
                time = time.GetUtcNow(),
                datacontenttype = "application/json",
                data,
            };
            try
            {
                await producer.ProduceAsync(Topics.SignalsWeb, account.AccountId, ContractJson.Serialize(ce),
                    new Headers().AddString(MessageHeaders.ContentType, MessageHeaders.CloudEventsContentType), stoppingToken);
            }
            catch (ProduceException<string, byte[]> ex)
            {
                logger.LogWarning("Simulator could not publish: {Reason}", ex.Error.Reason);
            }
        }
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
