using DemandCenter.Contracts;
using DemandCenter.Testing;

namespace DemandCenter.Integration.Tests;

/// <summary>
/// Offsets are stored with the events they produced: a Journey process killed with SIGKILL in mid-stream and
/// replaced by another leaves every signal recorded exactly once and every prompt raised exactly once.
/// </summary>
public sealed class JourneyCrashTests(DemandInfrastructure infra, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<DemandInfrastructure>
{
    private const int Signals = 20_000;
    private const int Accounts = 40;

    private Dictionary<string, string> Settings()
    {
        var settings = infra.ServiceSettings();
        settings["Demand:Roster:Accounts:0:AccountId"] = "account-0.example";
        settings["Demand:Roster:Accounts:0:Name"] = "Account Zero";
        settings["Demand:Roster:Accounts:0:OwnerSellerId"] = "ana";
        return settings;
    }

    private async Task<long> RecordedAsync()
    {
        try
        {
            return await infra.ScalarAsync<long>("SELECT count(*) FROM demand.events WHERE type = 'journey.signal_recorded.v1'");
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            return 0; // the service has not created its tables yet
        }
    }

    [Fact]
    public async Task A_journey_process_killed_mid_stream_and_replaced_records_every_signal_exactly_once()
    {
        var now = DateTimeOffset.UtcNow;
        var signals = Enumerable.Range(0, Signals).Select(i =>
        {
            var account = $"account-{i % Accounts}.example";
            var category = i % 10 == 0 ? "pricing" : "docs";
            return new JourneySignal(Guid.NewGuid(), "crash-test", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "web.page.viewed", "web",
                now, account, $"c{i % 7}@{account}", null, "https://vendor.example/" + category, category, null);
        }).ToList();
        infra.PublishMany(Topics.JourneySignals, signals.Select(s => (s.AccountId, ContractJson.Serialize(s))));

        using (var first = ServiceProcess.Start("journey", Settings()))
        {
            await Wait.UntilAsync(async () => first.HasExited || await RecordedAsync() >= 2_000, TimeSpan.FromSeconds(90), "the first journey process to get going");
            first.HasExited.ShouldBeFalse(first.Output);
            first.Kill();
        }

        var atKill = await RecordedAsync();
        output.WriteLine($"killed with {atKill} of {Signals} signals recorded");
        atKill.ShouldBeLessThan(Signals, "the kill should land mid-stream; raise Signals if the machine got much faster");

        using (var second = ServiceProcess.Start("journey", Settings()))
        {
            await Wait.UntilAsync(async () => second.HasExited || await RecordedAsync() >= Signals, TimeSpan.FromSeconds(120), "the second process to finish the stream");
            second.HasExited.ShouldBeFalse(second.Output);

            (await RecordedAsync()).ShouldBe(Signals);
            (await infra.ScalarAsync<long>("SELECT count(DISTINCT event_id) FROM demand.events WHERE type = 'journey.signal_recorded.v1'")).ShouldBe(Signals);
            // Every prompt raised once: as many read-model rows as stored PromptRaised events, and some were raised.
            var raised = await infra.ScalarAsync<long>("SELECT count(*) FROM demand.events WHERE type = 'journey.prompt_raised.v1'");
            raised.ShouldBeGreaterThan(0);
            (await infra.ScalarAsync<long>("SELECT count(*) FROM demand.prompts")).ShouldBe(raised);
            (await infra.ScalarAsync<long>("SELECT count(DISTINCT event_id) FROM demand.events WHERE type = 'journey.prompt_raised.v1'")).ShouldBe(raised);
            (await infra.ScalarAsync<long>($"SELECT sum(next_offset) FROM demand.consumer_offsets WHERE consumer_group = 'demand-journey' AND topic = '{Topics.JourneySignals}'")).ShouldBe(Signals);
            (await infra.ScalarAsync<long>("SELECT count(*) FROM (SELECT stream_id FROM demand.events GROUP BY stream_id HAVING max(version) <> count(*)) gaps")).ShouldBe(0);
        }
    }
}
