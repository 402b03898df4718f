using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey;
using DemandCenter.Journey.Accounts;
using DemandCenter.Journey.Prompts;
using DemandCenter.Journey.Team;
using DemandCenter.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DemandCenter.Integration.Tests.Journey;

/// <summary>
/// The sellers' load that the Journey's lanes share: a batch's routing claims its prompts before its commit, so a
/// batch another lane settles meanwhile counts them; a refresh that includes the commit takes the claim's place.
/// </summary>
public sealed class TeamLoadTests(DemandInfrastructure infra) : IClassFixture<DemandInfrastructure>
{
    private const double TopShare = 0.2;

    private static readonly Dictionary<string, string?> Roster = new()
    {
        ["Demand:Roster:People:0:Id"] = "cal",
        ["Demand:Roster:People:0:Capacity"] = "1",
        ["Demand:Roster:People:1:Id"] = "quinn",
        ["Demand:Roster:People:1:Specialty"] = PromptRoles.Qualification,
        ["Demand:Roster:People:1:Capacity"] = "5",
    };

    [Fact]
    public async Task Given_a_batch_that_claimed_cal_s_only_slot_When_another_lane_settles_before_the_commit_Then_cal_is_full_and_after_a_refresh_the_prompt_counts_once()
    {
        await using var host = await StartAsync();
        var teams = ActivatorUtilities.CreateInstance<TeamDirectory>(host.Services);
        (await teams.CurrentAsync(TopShare, default)).Team.LoadOf("cal").ShouldBe(0);

        var first = teams.Claim(team => team.WithLoad("cal", +1));
        var seen = 0;
        teams.Claim(team =>
        {
            seen = team.LoadOf("cal");
            return team;
        });

        seen.ShouldBe(1, "the other lane's batch counts the claim before it commits");
        (await teams.CurrentAsync(TopShare, default)).Team.LoadOf("cal").ShouldBe(1);

        // The batch commits its prompt; a refresh begun after that reads it, and the claim leaves.
        await InsertOpenPromptAsync(host, "cal");
        teams.Committed(first);
        await teams.RefreshAsync(TopShare, default);

        (await teams.CurrentAsync(TopShare, default)).Team.LoadOf("cal").ShouldBe(1);
        teams.OpenClaims.ShouldBe(0);
    }

    [Fact]
    public async Task Given_claims_not_yet_committed_When_the_load_is_refreshed_Then_they_still_count_and_a_failed_batch_s_claim_leaves_at_once()
    {
        await using var host = await StartAsync();
        var teams = ActivatorUtilities.CreateInstance<TeamDirectory>(host.Services);
        await teams.RefreshAsync(TopShare, default);

        var pending = teams.Claim(team => team.WithLoad("quinn", +2));
        var failed = teams.Claim(team => team.WithLoad("cal", +1));
        await teams.RefreshAsync(TopShare, default);

        var (loaded, _) = await teams.CurrentAsync(TopShare, default);
        loaded.LoadOf("quinn").ShouldBe(2, "a batch still being written is not in the read model yet");
        loaded.LoadOf("cal").ShouldBe(1);

        teams.Abandon(failed);
        (await teams.CurrentAsync(TopShare, default)).Team.LoadOf("cal").ShouldBe(0);
        teams.OpenClaims.ShouldBe(1);
        pending.Changes.ShouldBe(new Dictionary<string, int> { ["quinn"] = 2 });
    }

    [Fact]
    public async Task Given_a_batch_that_closes_one_of_cal_s_prompts_When_another_lane_settles_before_its_commit_Then_cal_is_still_full_and_after_the_commit_he_has_room()
    {
        await using var host = await StartAsync();
        await InsertOpenPromptAsync(host, "cal");
        var teams = ActivatorUtilities.CreateInstance<TeamDirectory>(host.Services);
        (await teams.CurrentAsync(TopShare, default)).Team.LoadOf("cal").ShouldBe(1);

        var closing = teams.Claim(team => team.WithLoad("cal", -1));

        (await teams.CurrentAsync(TopShare, default)).Team.LoadOf("cal").ShouldBe(1, "the batch may yet fail, and give nothing back");
        teams.Committed(closing);
        (await teams.CurrentAsync(TopShare, default)).Team.LoadOf("cal").ShouldBe(0);
    }

    private async Task<StoreHost> StartAsync() =>
        await StoreHost.StartAsync(infra.ConnectionString, JourneyEventTypes.Register, services =>
        {
            services.AddSingleton(PromptProjection.Ddl);
            services.AddSingleton(AccountProjection.Ddl);
            services.AddSingleton(TimeProvider.System);
            services.AddOptions<RosterOptions>().Bind(new ConfigurationBuilder().AddInMemoryCollection(Roster).Build().GetSection(RosterOptions.Section));
        });

    private static async Task InsertOpenPromptAsync(StoreHost host, string sellerId)
    {
        await using var cmd = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            $"INSERT INTO {host.Services.GetRequiredService<EventStoreSchema>().Schema}.prompts (prompt_id, seller_id, account_id, status, payload) VALUES (@id, @seller, 'tyrell.com', 'open', '{{}}')");
        cmd.Parameters.AddWithValue("id", Guid.NewGuid());
        cmd.Parameters.AddWithValue("seller", sellerId);
        await cmd.ExecuteNonQueryAsync();
    }
}
