using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;
using Npgsql;

namespace DemandCenter.Journey.Forecast;

/// <summary>
/// Focus-job transitions across all accounts (how often each move happens and how long accounts stayed before it)
/// and prompt outcomes per focus job and action: what the forward echo learns from. Built by the projection daemon.
/// </summary>
public sealed class TransitionProjection : IAsyncProjection
{
    public string Name => "journey_transitions";

    public string Table => "journey_transitions";

    public IReadOnlyCollection<string> DataOf { get; } = [JourneyEventTypes.FocusJobChanged, JourneyEventTypes.PromptCompleted];

    public bool ReadsOnlyDataOf => true;

    /// <summary>One table for both kinds of row: kind 'move' (from job -> to job) and 'outcome' (job, action).</summary>
    public string CreateTable(string qualifiedTable) => $"""
        CREATE TABLE IF NOT EXISTS {qualifiedTable} (
            kind        text NOT NULL,
            a           text NOT NULL,
            b           text NOT NULL,
            count       int NOT NULL,
            total_days  double precision NOT NULL,
            succeeded   int NOT NULL,
            PRIMARY KEY (kind, a, b))
        """;

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        var rows = new Dictionary<(string Kind, string A, string B), (int Count, double Days, int Succeeded)>();
        foreach (var e in batch.Events)
        {
            if (!DataOf.Contains(e.Type))
            {
                continue;
            }

            switch (batch.Data(e))
            {
                case FocusJobChanged { From: { } from } f:
                    Add(rows, ("move", from, f.To), f.DaysInFrom ?? 0, 0);
                    break;
                case PromptCompleted c:
                    Add(rows, ("outcome", c.FocusJob ?? "none", c.Action), 0, c.Outcome is "connected" or "meeting_booked" ? 1 : 0);
                    break;
            }
        }

        if (rows.Count == 0)
        {
            return;
        }

        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO {batch.Table} (kind, a, b, count, total_days, succeeded) SELECT * FROM unnest(@k, @a, @b, @c, @d, @s)
            ON CONFLICT (kind, a, b) DO UPDATE SET count = {batch.Table}.count + EXCLUDED.count,
                total_days = {batch.Table}.total_days + EXCLUDED.total_days, succeeded = {batch.Table}.succeeded + EXCLUDED.succeeded
            """, batch.Transaction.Connection, batch.Transaction);
        cmd.Parameters.AddWithValue("k", rows.Keys.Select(k => k.Kind).ToArray());
        cmd.Parameters.AddWithValue("a", rows.Keys.Select(k => k.A).ToArray());
        cmd.Parameters.AddWithValue("b", rows.Keys.Select(k => k.B).ToArray());
        cmd.Parameters.AddWithValue("c", rows.Values.Select(v => v.Count).ToArray());
        cmd.Parameters.AddWithValue("d", rows.Values.Select(v => v.Days).ToArray());
        cmd.Parameters.AddWithValue("s", rows.Values.Select(v => v.Succeeded).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void Add(Dictionary<(string, string, string), (int Count, double Days, int Succeeded)> rows, (string, string, string) key, double days, int succeeded)
    {
        var (count, total, ok) = rows.GetValueOrDefault(key);
        rows[key] = (count + 1, total + days, ok + succeeded);
    }
}
