using System.Globalization;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Kafka;
using Microsoft.Extensions.Options;

namespace DemandCenter.Host.Simulator;

/// <summary>Bound from "Demand:Simulator".</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Demand:Simulator";

    public double SignalsPerSecond { get; set; } = 2;

    /// <summary>Accounts generated beyond the roster's (announced by crm.account.updated), so the board has a crowd.</summary>
    public int GeneratedAccounts { get; set; } = 120;

    /// <summary>
    /// The roster's sellers whom <see cref="SellerSimulator"/> plays, comma-separated (empty for none). Ana is left out
    /// so that whoever tries the product has an inbox of their own to work.
    /// </summary>
    public string Sellers { get; set; } = "ben,cal,pia,sol,quinn";

    /// <summary>How long a simulated seller takes, on average, to act on a prompt and to finish one accepted.</summary>
    public TimeSpan SellerThinkTime { get; set; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> SellerIds() =>
        Sellers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>
/// Plays the marketing systems in embedded mode: publishes CloudEvents (web, chat, email, meetings, CRM) for scripted
/// journeys of the roster's accounts and generated ones, as the source systems would, so the inbox and the board
/// fill while someone watches. About one in fifty events is malformed on purpose, to show dead-lettering.
/// </summary>
public sealed class TrafficSimulator(SharedProducer producer, IOptionsMonitor<RosterOptions> roster, IOptions<SimulatorOptions> options, TimeProvider time, ILogger<TrafficSimulator> logger)
    : BackgroundService
{
    private static readonly string[] Territories = ["emea", "amer", "apac"];
    private static readonly string[] Segments = ["enterprise", "mid_market", "smb"];
    private static readonly string[] FirstNames = ["maria", "james", "aiko", "omar", "lena", "raj", "sofia", "tom", "zoe", "kofi", "ines", "nils"];
    private static readonly string[] LastNames = ["lopez", "smith", "tanaka", "haddad", "berg", "patel", "rossi"];
    private readonly Random _random = new();
    private long _sequence;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var accounts = Accounts();
        var cursors = new int[accounts.Count];
        var rounds = new int[accounts.Count];
        try
        {
            foreach (var account in accounts.Where(a => a.Generated))
            {
                await PublishAsync(Topics.Crm, account.Roster.AccountId, SignalTypes.CrmAccountUpdated, Crm(account.Roster), stoppingToken);
            }

            // History first (backdated steps), then the live journeys. Accounts' histories are published side by side
            // (each account's steps in order, on its partition), so that thousands of accounts do not take minutes.
            var history = new List<Task>();
            for (var i = 0; i < accounts.Count; i++)
            {
                foreach (var step in accounts[i].Script.TakeWhile(s => s.DaysAgo > 0))
                {
                    history.Add(PublishStepAsync(accounts[i], step, 0, stoppingToken));
                    cursors[i]++;
                }
            }

            await Task.WhenAll(history);

            // Each tick publishes the steps that are due together (deliveries pipelined), so that a load test's rate
            // (hundreds a second) holds although every publish waits for the broker.
            var perSecond = Math.Max(0.01, options.Value.SignalsPerSecond);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1 / perSecond, 0.01)), time);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var sent = 0L;
            var next = 0;
            // Only journeys with live steps go on (a stalled journey is all history).
            var live = Enumerable.Range(0, accounts.Count).Where(i => accounts[i].Script.Any(s => s.DaysAgo <= 0)).ToList();
            var liveRoster = live.Where(i => !accounts[i].Generated).ToList();
            while (live.Count > 0 && await timer.WaitForNextTickAsync(stoppingToken))
            {
                var due = new List<Task>();
                for (; sent < (long)(clock.Elapsed.TotalSeconds * perSecond); sent++)
                {
                    // Roster accounts get most of the traffic so that the demo sellers' inboxes move.
                    var i = _random.Next(3) == 0 || liveRoster.Count == 0 ? live[_random.Next(live.Count)] : liveRoster[next++ % liveRoster.Count];
                    var account = accounts[i];
                    if (cursors[i] >= account.Script.Count)
                    {
                        // The journey starts over with new people: another team at the account starts buying.
                        cursors[i] = account.Script.TakeWhile(s => s.DaysAgo > 0).Count();
                        rounds[i]++;
                    }

                    due.Add(PublishStepAsync(account, account.Script[cursors[i]++], rounds[i], stoppingToken));
                }

                await Task.WhenAll(due);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private sealed record SimAccount(RosterAccount Roster, IReadOnlyList<ScriptStep> Script, bool Generated);

    private List<SimAccount> Accounts()
    {
        var list = roster.CurrentValue.Accounts.Select((a, i) => new SimAccount(a, JourneyScripts.For(a, i), false)).ToList();
        var owners = roster.CurrentValue.People.Where(p => p.Role == RosterRoles.Seller && p.Specialty == PromptRoles.Owner).ToList();
        for (var n = 0; n < options.Value.GeneratedAccounts && owners.Count > 0; n++)
        {
            var owner = owners[n % owners.Count];
            var account = new RosterAccount
            {
                AccountId = $"company{n + 1}.example",
                Name = $"Company {n + 1}",
                OwnerSellerId = owner.Id,
                Territory = owner.Territory ?? Territories[n % Territories.Length],
                Segment = Segments[n % Segments.Length],
                Tier = n % 10 == 0 ? "1" : n % 3 == 0 ? "2" : "3",
                AnnualRevenue = 1_000_000m * (1 + (n * 37 % 100)),
            };
            list.Add(new SimAccount(account, JourneyScripts.For(account, n), true));
        }

        return list;
    }

    private static Dictionary<string, object?> Crm(RosterAccount a) => new()
    {
        ["accountDomain"] = a.AccountId,
        ["name"] = a.Name,
        ["ownerSellerId"] = a.OwnerSellerId,
        ["territory"] = a.Territory,
        ["segment"] = a.Segment,
        ["tier"] = a.Tier,
        ["annualRevenue"] = a.AnnualRevenue,
    };

    private async Task PublishStepAsync(SimAccount account, ScriptStep step, int round, CancellationToken ct)
    {
        IReadOnlyList<string> contacts = account.Roster.Contacts;
        var person = step.Person + (round * 2);
        var email = person < contacts.Count ? contacts[person] : $"{FirstNames[person % FirstNames.Length]}.{LastNames[(person / FirstNames.Length) % LastNames.Length]}@{account.Roster.AccountId}";
        var at = time.GetUtcNow().AddDays(-step.DaysAgo).AddMinutes(step.DaysAgo > 0 ? _random.Next(0, 600) : 0);
        var data = new Dictionary<string, object?> { ["email"] = email };
        switch (step.Type)
        {
            case SignalTypes.PageViewed:
                data["anonymousId"] = "v-" + email.GetHashCode(StringComparison.Ordinal).ToString("x8", CultureInfo.InvariantCulture);
                data["url"] = _random.Next(50) == 0 ? null : "https://vendor.example" + step.Detail;
                data["durationSeconds"] = _random.Next(5, 240);
                break;
            case SignalTypes.FormSubmitted:
                data["formKind"] = step.Detail;
                data["formId"] = "form-" + step.Detail;
                break;
            case SignalTypes.ContentDownloaded:
                data["assetId"] = "asset-" + step.Detail;
                data["category"] = step.Detail;
                break;
            case SignalTypes.ChatMessagePosted:
                data["conversationId"] = $"conv-{account.Roster.AccountId}-{round}";
                data["author"] = "visitor";
                data["intents"] = step.Detail;
                break;
            case SignalTypes.EmailReplied or SignalTypes.EmailClicked:
                data["messageId"] = $"msg-{_sequence}";
                data["campaignId"] = "autumn-launch";
                data["replyKind"] = step.Detail;
                break;
            case SignalTypes.MeetingHeld:
                data["meetingId"] = $"meet-{_sequence}";
                data["mode"] = step.Detail;
                data["sellerId"] = account.Roster.OwnerSellerId;
                data["attendees"] = contacts.Take(2).Append(email).Distinct().ToList();
                data["durationMinutes"] = 45;
                break;
        }

        await PublishAsync(SignalTypes.TopicOf[step.Type], account.Roster.AccountId, step.Type, data, ct, at);
    }

    private async Task PublishAsync(string topic, string key, string type, object data, CancellationToken ct, DateTimeOffset? at = null)
    {
        var ce = new
        {
            specversion = "1.0",
            id = $"sim-{Environment.ProcessId}-{Interlocked.Increment(ref _sequence)}",
            source = "https://vendor.example/simulator",
            type,
            time = at ?? time.GetUtcNow(),
            datacontenttype = "application/json",
            data,
        };
        try
        {
            await producer.ProduceAsync(topic, key, ContractJson.Serialize(ce),
                new Headers().AddString(MessageHeaders.ContentType, MessageHeaders.CloudEventsContentType), ct);
        }
        catch (ProduceException<string, byte[]> ex)
        {
            logger.LogWarning("Simulator could not publish: {Reason}", ex.Error.Reason);
        }
    }
}
