using DemandCenter.EventStore;
using DemandCenter.Journey.Domain.Model;
using Npgsql;

namespace DemandCenter.Journey.Forecast;

/// <summary>The learned transition model, read from the transitions table at most every <see cref="MaxAge"/>.</summary>
public sealed class TransitionModelCache(NpgsqlDataSource dataSource, EventStoreSchema schema, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private TransitionModel _model = TransitionModel.Empty;
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public async Task<TransitionModel> CurrentAsync(CancellationToken ct)
    {
        if (time.GetUtcNow() - _loadedAt < MaxAge)
        {
            return _model;
        }

        var moves = new Dictionary<string, Dictionary<string, TransitionStat>>(StringComparer.Ordinal);
        var outcomes = new Dictionary<string, Dictionary<string, OutcomeStat>>(StringComparer.Ordinal);
        try
        {
            await using var cmd = dataSource.CreateCommand($"SELECT kind, a, b, count, total_days, succeeded FROM {schema.Schema}.journey_transitions");
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var (a, b) = (reader.GetString(1), reader.GetString(2));
                if (reader.GetString(0) == "move")
                {
                    (moves.TryGetValue(a, out var m) ? m : moves[a] = new(StringComparer.Ordinal))[b] = new TransitionStat(reader.GetInt32(3), reader.GetDouble(4));
                }
                else
                {
                    (outcomes.TryGetValue(a, out var o) ? o : outcomes[a] = new(StringComparer.Ordinal))[b] = new OutcomeStat(reader.GetInt32(3), reader.GetInt32(5));
                }
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The daemon creates the table on its first pass; until then the playbook's prior answers alone.
        }

        _model = new TransitionModel(
            moves.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, TransitionStat>)kv.Value, StringComparer.Ordinal),
            outcomes.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, OutcomeStat>)kv.Value, StringComparer.Ordinal));
        _loadedAt = time.GetUtcNow();
        return _model;
    }
}
