using DemandCenter.Contracts;
using DemandCenter.EventStore;
using DemandCenter.Kafka;
using DemandCenter.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DemandCenter.Integration.Tests.EventStore;

/// <summary>The outbox relay, driven round by round (not as a hosted service), against the store and the broker.</summary>
public sealed class OutboxRelayTests(DemandInfrastructure infra) : IClassFixture<DemandInfrastructure>
{
    [Fact]
    public async Task A_row_that_commits_after_later_rows_were_relayed_is_still_relayed()
    {
        var settings = infra.ServiceSettings();
        await using var host = await StoreHost.StartAsync(infra.ConnectionString, TestEvents.Register,
            services => services.AddKafka(new ConfigurationBuilder().AddInMemoryCollection(settings!).Build()));
        var relay = new OutboxRelay(
            host.Services.GetRequiredService<NpgsqlDataSource>(), host.Services.GetRequiredService<EventStoreSchema>(),
            host.Services.GetRequiredService<SharedProducer>(), host.Services.GetRequiredService<OutboxSignal>(), TimeProvider.System, NullLogger<OutboxRelay>.Instance);
        var early = "early-" + Guid.NewGuid().ToString("n");
        var later = "later-" + Guid.NewGuid().ToString("n");

        // The early row takes the lower id but commits only after the later one has been relayed.
        await using var slow = await OpenAsync();
        await using var slowTx = await slow.BeginTransactionAsync();
        await InsertAsync(slow, slowTx, host.Schema, early);
        await using (var fast = await OpenAsync())
        {
            await InsertAsync(fast, null, host.Schema, later);
        }

        (await relay.RelayBatchAsync(default)).ShouldBe(1);
        await slowTx.CommitAsync();

        await Wait.UntilAsync(async () => await relay.RelayBatchAsync(default) == 1, TimeSpan.FromSeconds(10), "the late row to be relayed");
        infra.ConsumeUntil(Topics.Board, m => m.Message.Key == early, TimeSpan.FromSeconds(10));
        (await infra.ScalarAsync<long>($"SELECT count(*) FROM {host.Schema}.outbox")).ShouldBe(0);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var conn = new NpgsqlConnection(infra.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    private static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string schema, string key)
    {
        await using var cmd = new NpgsqlCommand($"INSERT INTO {schema}.outbox (topic, key, payload, headers) VALUES (@t, @k, @p, '{{}}')", conn, tx);
        cmd.Parameters.AddWithValue("t", Topics.Board);
        cmd.Parameters.AddWithValue("k", key);
        cmd.Parameters.AddWithValue("p", "{}"u8.ToArray());
        await cmd.ExecuteNonQueryAsync();
    }
}
