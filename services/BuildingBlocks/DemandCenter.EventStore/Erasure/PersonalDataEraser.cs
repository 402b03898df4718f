using Npgsql;

namespace DemandCenter.EventStore;

/// <summary>A read model that holds personal data in plain text and must forget a data subject when asked.</summary>
public interface IErasureHandler
{
    Task EraseAsync(NpgsqlTransaction transaction, string subjectValue, CancellationToken ct);
}

/// <summary>
/// Forgets a data subject (a contact asking to be forgotten): their key is deleted, so every sealed field in every
/// event reads as "[erased]" from then on; snapshots that mention them are dropped (the next replay rebuilds them from
/// the now-erased events); each read model's <see cref="IErasureHandler"/> forgets its copies. One transaction.
/// </summary>
public sealed class PersonalDataEraser(NpgsqlDataSource dataSource, EventStoreSchema schema, PersonalDataProtector protector, IEnumerable<IErasureHandler> handlers)
{
    public async Task EraseAsync(string subjectValue, CancellationToken ct)
    {
        var value = subjectValue.Trim().ToLowerInvariant();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var subject = await protector.EraseAsync(tx, value, ct);
        // Handlers replay streams inside this transaction: they must already read the subject as erased.
        protector.Forget(subject);
        try
        {
            await ForgetEverywhereAsync(tx, value, ct);
            await tx.CommitAsync(ct);
        }
        catch
        {
            protector.Evict(subject); // not erased after all: reload the key on next use
            throw;
        }
    }

    private async Task ForgetEverywhereAsync(NpgsqlTransaction tx, string value, CancellationToken ct)
    {
        var conn = tx.Connection!;
        await using (var snapshots = new NpgsqlCommand($"DELETE FROM {schema.Schema}.snapshots WHERE strpos(lower(state::text), @v) > 0", conn, tx))
        {
            snapshots.Parameters.AddWithValue("v", value);
            await snapshots.ExecuteNonQueryAsync(ct);
        }

        foreach (var handler in handlers)
        {
            await handler.EraseAsync(tx, value, ct);
        }
    }
}
