using DemandCenter.EventStore;
using Npgsql;

namespace DemandCenter.Journey.Activity;

/// <summary>
/// Signals and prompts per account per day (UTC), built asynchronously by the projection daemon: the raw material
/// for surge and baseline measures. Needs only each event's type, stream and time, so it never parses event JSON.
/// </summary>
public sealed class AccountActivityProjection : IAsyncProjection
{
    public string Name => "account_activity";

    public string Table => "account_activity";

    public IReadOnlyCollection<string> DataOf => [];

    public string CreateTable(string qualifiedTable) => $"""
        CREATE TABLE IF NOT EXISTS {qualifiedTable} (
            account_id  text NOT NULL,
            day         date NOT NULL,
            signals     int NOT NULL,
            prompts     int NOT NULL,
            PRIMARY KEY (account_id, day))
        """;

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        var counts = new Dictionary<(string Account, DateOnly Day), (int Signals, int Prompts)>();
        foreach (var e in batch.Events)
        {
            var isSignal = e.Type == JourneyEventTypes.SignalRecorded;
            if ((!isSignal && e.Type != JourneyEventTypes.PromptRaised) || !e.StreamId.StartsWith("account-", StringComparison.Ordinal))
            {
                continue;
            }

            var key = (e.StreamId["account-".Length..], DateOnly.FromDateTime(e.RecordedAt.UtcDateTime));
            var (signals, prompts) = counts.GetValueOrDefault(key);
            counts[key] = isSignal ? (signals + 1, prompts) : (signals, prompts + 1);
        }

        if (counts.Count == 0)
        {
            return;
        }

        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO {batch.Table} (account_id, day, signals, prompts) SELECT * FROM unnest(@a, @d, @s, @p)
            ON CONFLICT (account_id, day) DO UPDATE SET signals = {batch.Table}.signals + EXCLUDED.signals, prompts = {batch.Table}.prompts + EXCLUDED.prompts
            """, batch.Transaction.Connection, batch.Transaction);
        cmd.Parameters.AddWithValue("a", counts.Keys.Select(k => k.Account).ToArray());
        cmd.Parameters.AddWithValue("d", counts.Keys.Select(k => k.Day).ToArray());
        cmd.Parameters.AddWithValue("s", counts.Values.Select(v => v.Signals).ToArray());
        cmd.Parameters.AddWithValue("p", counts.Values.Select(v => v.Prompts).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
