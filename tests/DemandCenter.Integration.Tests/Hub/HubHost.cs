using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DemandCenter.Host.Simulator;
using DemandCenter.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace DemandCenter.Integration.Tests.Hub;

/// <summary>
/// The Hub service alone, with <see cref="ScriptedJourney"/> in the Journey's place, every log category at Trace
/// (captured, to prove tokens never reach a log), a partner origin allowed, a short confirmation timeout and a
/// small action bucket. Extra roster members: rita (owner, for the rate limit) and pat (a second pricing specialist).
/// </summary>
public sealed class HubHost : DemandTestHost
{
    public const string PartnerOrigin = "https://inbox.partner.example";
    public const int ActionBurst = 8;

    public ScriptedJourney Journey { get; private set; } = null!;

    public CapturingLoggerProvider Logs { get; } = new();

    protected override IReadOnlySet<string> ComposedServices => new HashSet<string>(StringComparer.Ordinal) { "hub" };

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>(ExtraPeople())
    {
        ["Demand:Hub:AllowedOrigins:0"] = PartnerOrigin,
        // Long enough for a scripted answer on a busy 2-core machine; the unanswered case waits it out once.
        ["Demand:Hub:CommandTimeout"] = "00:00:06",
        ["Demand:Hub:ActionBurst"] = ActionBurst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Demand:Hub:ActionsPerMinute"] = "6",
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
    };

    /// <summary>rita and pat, after the demo roster's people (configuration lists merge by index).</summary>
    private static IEnumerable<KeyValuePair<string, string?>> ExtraPeople()
    {
        using var demo = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "demo-roster.json")));
        var next = demo.RootElement.GetProperty("Demand").GetProperty("Roster").GetProperty("People").GetArrayLength();
        foreach (var (id, name, specialty, territory) in new[] { ("rita", "Rita Rapid", "owner", "emea"), ("pat", "Pat Price", "pricing", null) })
        {
            var prefix = $"Demand:Roster:People:{next++}:";
            yield return new(prefix + "Id", id);
            yield return new(prefix + "Name", name);
            yield return new(prefix + "Role", "seller");
            yield return new(prefix + "Specialty", specialty);
            yield return new(prefix + "Territory", territory);
        }
    }

    protected override void Configure(WebApplicationBuilder builder) => builder.Logging.AddProvider(Logs);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Journey = new ScriptedJourney(this);
    }

    public override async Task DisposeAsync()
    {
        await Journey.DisposeAsync();
        await base.DisposeAsync();
    }

    public async Task<HubProtocolClient> SellerAsync(string sub) => await HubProtocolClient.ConnectAsync(BaseUrl, "/hubs/sellers", await TokenAsync(sub));

    public async Task<HubProtocolClient> BoardAsync(string sub = "olga") => await HubProtocolClient.ConnectAsync(BaseUrl, "/hubs/board?frames=batched", await TokenAsync(sub));
}

[CollectionDefinition(Name)]
public sealed class HubCollection : ICollectionFixture<HubHost>
{
    public const string Name = "Hub service";
}

/// <summary>Keeps every log line written, whatever its level.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Text)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((category, logLevel, formatter(state, exception) + " " + exception));
    }
}

internal static class HubClientExtensions
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>The next invocation of <paramref name="target"/> whose argument matches, skipping others.</summary>
    public static async Task<JsonNode> NextWhereAsync(this HubProtocolClient client, string target, Func<JsonNode, bool> match)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var argument = await client.NextAsync(target, deadline - DateTime.UtcNow);
            if (argument is not null && match(argument))
            {
                return argument;
            }
        }
    }

    public static Task<JsonNode> NextPromptAsync(this HubProtocolClient client, string target, string promptId) =>
        client.NextWhereAsync(target, a => (a["promptId"] ?? a["prompt"]?["promptId"])?.GetValue<string>() == promptId);

    public static string Str(this JsonNode node, string property) => node[property]!.GetValue<string>();
}
