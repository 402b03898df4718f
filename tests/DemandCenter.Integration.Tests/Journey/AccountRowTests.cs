using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Journey;
using DemandCenter.Journey.Accounts;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using DemandCenter.Journey.Domain.Playbooks;
using DemandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DemandCenter.Integration.Tests.Journey;

/// <summary>The account rows the Journey rewrites with every batch: kept cheap to rewrite.</summary>
public sealed class AccountRowTests(DemandInfrastructure infra) : IClassFixture<DemandInfrastructure>
{
    private static readonly DateTimeOffset NextCheck = new(2026, 11, 24, 11, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Given_an_account_s_row_When_a_later_batch_rewrites_it_with_the_same_next_check_Then_no_index_gets_an_entry_and_it_is_stamped_with_the_minute()
    {
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, JourneyEventTypes.Register, s => s.AddSingleton(AccountProjection.Ddl));
        var projection = new AccountProjection(
            host.Services.GetRequiredService<EventStoreSchema>(), host.Services.GetRequiredService<EventSerializer>(), Playbook.Default);
        var table = $"{host.Schema}.account_journeys";
        var state = AccountJourney.Empty("acme.com") with { Version = 3, SignalCount = 3 };

        await using var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await projection.SaveAsync(tx, [Row(state)], default);
        await projection.SaveAsync(tx, [Row(state with { Version = 4, SignalCount = 4 })], default);

        // Heap-only: the new version on the old one's page, and none of the table's three indexes touched.
        (await ScalarAsync<long>(tx, $"SELECT pg_stat_get_xact_tuples_hot_updated('{table}'::regclass)")).ShouldBe(1);
        (await ScalarAsync<long>(tx, $"SELECT count(*) FROM {table} WHERE version = 4 AND updated_at = date_trunc('minute', updated_at)")).ShouldBe(1);
        await tx.CommitAsync();

        // Room on each page for that next version.
        (await infra.ScalarAsync<string>($"SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = '{table}'::regclass") ?? "").ShouldContain("fillfactor=50");
    }

    private static AccountRow Row(AccountJourney state)
    {
        var card = BoardCards.Of(state, new AccountProfile(state.AccountId, "Acme", "ana"), new JourneyScores(10, 20, 0, 5));
        return new AccountRow(state, false, card, ContractJson.Serialize(card), NextCheck, null);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlTransaction tx, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, tx.Connection, tx);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
