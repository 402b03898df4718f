using DemandCenter.Contracts;
using DemandCenter.Host.Simulator;
using DemandCenter.Testing;
using Microsoft.AspNetCore.Builder;

namespace DemandCenter.Integration.Tests;

/// <summary>
/// The simulated sellers of embedded mode: the sellers configured work their prompts through the sellers' hub (signed
/// in, as people are) to an outcome the Journey records, and nobody else's.
/// </summary>
public sealed class SellerSimulatorTests(SellerSimulatorTests.SimulatedBenHost host) : IClassFixture<SellerSimulatorTests.SimulatedBenHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly string[] Worked = ["journey.prompt_accepted.v1", "journey.prompt_dismissed.v1", "journey.prompt_snoozed.v1"];

    /// <summary>The whole product with ben simulated, thinking a fraction of a second.</summary>
    public sealed class SimulatedBenHost : DemandTestHost
    {
        protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            ["Demand:Simulator:Sellers"] = "ben",
            ["Demand:Simulator:SellerThinkTime"] = "00:00:00.300",
        };

        protected override void Configure(WebApplicationBuilder builder) => builder.Services.AddSellerSimulator(builder.Configuration);
    }

    [Fact]
    public async Task Given_ben_is_simulated_When_ben_and_ana_each_get_a_speed_to_lead_prompt_Then_ben_works_his_through_the_hub_and_anas_stays_open()
    {
        await host.PublishAsync(Topics.SignalsWeb, "globex.com", CloudEvents.ContactSales(NewId(), "hank@globex.com"));
        await host.PublishAsync(Topics.SignalsWeb, "acme.com", CloudEvents.ContactSales(NewId(), "kim@acme.com"));
        var bens = await PromptOfAsync("globex.com");
        var anas = await PromptOfAsync("acme.com");

        // Ben's first move on it, made through the hub as ben (the Journey records who acted).
        string? first = null;
        await Wait.UntilAsync(
            async () => (first = await host.ScalarAsync<string>(
                "SELECT type FROM demand.events WHERE stream_id = 'account-globex.com' AND type = ANY(@types) AND data->>'promptId' = @id AND data->>'by' = 'ben' ORDER BY version LIMIT 1",
                ("types", Worked), ("id", bens.ToString()))) is not null,
            Deadline,
            "ben's prompt to be accepted, dismissed or snoozed");

        if (first == "journey.prompt_accepted.v1")
        {
            // Then seen through, with one of the outcomes a person can report.
            string? outcome = null;
            await Wait.UntilAsync(
                async () => (outcome = await host.ScalarAsync<string>(
                    "SELECT data->>'outcome' FROM demand.events WHERE stream_id = 'account-globex.com' AND type = 'journey.prompt_completed.v1' AND data->>'promptId' = @id AND data->>'by' = 'ben'",
                    ("id", bens.ToString()))) is not null,
                Deadline,
                "ben's accepted prompt to be completed");
            PromptOutcomes.All.ShouldContain(outcome!);
        }

        (await host.ScalarAsync<string>("SELECT status FROM demand.prompts WHERE prompt_id = @id", ("id", bens))).ShouldNotBe(PromptStatus.Open);
        (await host.ScalarAsync<string>("SELECT status FROM demand.prompts WHERE prompt_id = @id", ("id", anas))).ShouldBe(PromptStatus.Open);
        (await host.ScalarAsync<long>(
            "SELECT count(*) FROM demand.events WHERE stream_id = 'account-acme.com' AND type = ANY(@types)", ("types", Worked))).ShouldBe(0);
    }

    private async Task<Guid> PromptOfAsync(string accountId)
    {
        string? id = null;
        await Wait.UntilAsync(
            async () => (id = await host.ScalarAsync<string>("SELECT prompt_id::text FROM demand.prompts WHERE account_id = @a AND payload->>'action' = 'call' LIMIT 1", ("a", accountId))) is not null,
            Deadline,
            $"a call prompt for {accountId}");
        return Guid.Parse(id!);
    }

    private static string NewId() => Guid.NewGuid().ToString("n");
}
