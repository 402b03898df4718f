using DemandCenter.EventStore;
using Npgsql;

namespace DemandCenter.Ingestion.Identity;

/// <summary>Forgets a contact in the Ingestion service's identity tables and the signals it kept pending for them.</summary>
public sealed class IngestionErasure(EventStoreSchema schema, IdentityStore identity) : IErasureHandler
{
    public async Task EraseAsync(NpgsqlTransaction transaction, string subjectValue, CancellationToken ct)
    {
        var s = schema.Schema;
        await using var cmd = new NpgsqlCommand(
            $"""
            DELETE FROM {s}.identity_pending WHERE contact_id = @c OR anonymous_id IN (SELECT anonymous_id FROM {s}.identity_visitors WHERE contact_id = @c);
            DELETE FROM {s}.identity_visitors WHERE contact_id = @c;
            DELETE FROM {s}.identity_contacts WHERE contact_id = @c;
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("c", subjectValue);
        await cmd.ExecuteNonQueryAsync(ct);
        identity.Forget(subjectValue);
    }
}
