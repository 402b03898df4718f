using System.Text.Json.Nodes;
using DemandCenter.Contracts;
using DemandCenter.Journey.Domain.Playbooks;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests.Journey;

/// <summary>
/// The whole product with a fast journey clock, a seller (cal) with room for one prompt, two accounts of cal's, and
/// the shipped playbook except that the positive-reply rule's SLA is a second, so escalation can be watched.
/// </summary>
public sealed class JourneyScenarioHost : DemandTestHost
{
    private readonly string _playbook = Path.Combine(Path.GetTempPath(), $"playbook-{Guid.NewGuid():n}.json");

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Demand:Journey:TickInterval"] = "00:00:00.300",
        ["Demand:Journey:PlaybookPath"] = _playbook,
        ["Demand:Roster:People:2:Capacity"] = "1", // cal
        ["Demand:Roster:Accounts:8:AccountId"] = "tyrell.com",
        ["Demand:Roster:Accounts:8:Name"] = "Tyrell",
        ["Demand:Roster:Accounts:8:OwnerSellerId"] = "cal",
        ["Demand:Roster:Accounts:8:Territory"] = "apac",
        ["Demand:Roster:Accounts:8:Segment"] = "mid_market",
        ["Demand:Roster:Accounts:8:Tier"] = "3",
        ["Demand:Roster:Accounts:9:AccountId"] = "cyberdyne.com",
        ["Demand:Roster:Accounts:9:Name"] = "Cyberdyne",
        ["Demand:Roster:Accounts:9:OwnerSellerId"] = "cal",
        ["Demand:Roster:Accounts:9:Territory"] = "apac",
        ["Demand:Roster:Accounts:9:Segment"] = "mid_market",
        ["Demand:Roster:Accounts:9:Tier"] = "3",
    };

    public override async Task InitializeAsync()
    {
        using var stream = typeof(Playbook).Assembly.GetManifestResourceStream("DemandCenter.Journey.Domain.playbook.json")!;
        var playbook = (await JsonNode.ParseAsync(stream))!;
        var reply = playbook["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "speed_to_lead_reply")!;
        reply["slaMinutes"] = 1.0 / 60;
        await File.WriteAllTextAsync(_playbook, playbook.ToJsonString());
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_playbook);
    }

    /// <summary>Publishes a CloudEvent as a marketing system would and returns its id.</summary>
    public async Task<string> SignalAsync(string type, string account, object data, DateTimeOffset? time = null)
    {
        var id = Guid.NewGuid().ToString("n");
        await PublishAsync(SignalTypes.TopicOf[type], account, CloudEvents.Event(type, id, data, time: time));
        return id;
    }

    /// <summary>Waits for the account's prompt for an action and returns it as the read model has it (payload with status).</summary>
    public async Task<JsonNode> PromptAsync(string account, string action, Func<JsonNode, bool>? where = null)
    {
        JsonNode? found = null;
        await Wait.UntilAsync(async () =>
        {
            var json = await ScalarAsync<string>(
                "SELECT coalesce(json_agg(payload ORDER BY sequence)::text, '[]') FROM demand.prompts WHERE account_id = @a AND payload->>'action' = @x",
                ("a", account), ("x", action));
            found = JsonNode.Parse(json!)!.AsArray().LastOrDefault(p => where?.Invoke(p!) ?? true);
            return found is not null;
        }, TimeSpan.FromSeconds(30), $"a {action} prompt for {account}");
        return found!;
    }

    public Task<long> CountAsync(string sql, params (string, object)[] parameters) => ScalarAsync<long>(sql, parameters)!;
}
