using DemandCenter.EventStore;
using DemandCenter.Journey.Domain;
using DemandCenter.Journey.Domain.Model;
using Npgsql;

namespace DemandCenter.Journey.Accounts;

/// <summary>
/// Forgets a contact in the journey's read models: every account projection that lists them is rebuilt from its
/// stream (whose sealed fields now read "[erased]"), and prompts naming them lose the name.
/// </summary>
public sealed class JourneyErasure(EventStoreSchema schema, AccountProjection accounts, AccountRows accountRows, HotAccounts hot, TimeProvider time) : IErasureHandler
{
    public async Task EraseAsync(NpgsqlTransaction transaction, string subjectValue, CancellationToken ct)
    {
        var s = schema.Schema;
        var affected = new List<string>();
        await using (var find = new NpgsqlCommand($"SELECT account_id FROM {s}.account_journeys WHERE @v = ANY(contacts)", transaction.Connection, transaction))
        {
            find.Parameters.AddWithValue("v", subjectValue);
            await using var reader = await find.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                affected.Add(reader.GetString(0));
            }
        }

        // The eraser has already dropped the subject's key from this process, so sealed fields read as erased here.
        var rebuilt = (await accounts.ReplayAsync(transaction, affected, ct)).Values;

        var now = time.GetUtcNow();
        var rows = rebuilt.Select(state => accountRows.Row(state, withState: true, now)).ToList();

        await accounts.SaveAsync(transaction, rows, ct);
        // This process's hot copies still hold the contact; the consumer reloads them from the rebuilt rows.
        hot.Forget(affected);
        // Reasons and evidence name people ("Kim from Acme ..."), on any of the account's prompts. Names come from email
        // local parts (letters, digits, dots), so a textual replace keeps the JSON valid.
        await using var prompts = new NpgsqlCommand(
            $"""
            UPDATE {s}.prompts SET payload = replace(replace(payload::text, @v, @erased), @name, @erased)::jsonb
            WHERE payload->>'contactId' = @v OR account_id = ANY(@accounts)
            """, transaction.Connection, transaction);
        prompts.Parameters.AddWithValue("v", subjectValue);
        prompts.Parameters.AddWithValue("name", Rules.NameOf(subjectValue));
        prompts.Parameters.AddWithValue("accounts", affected.ToArray());
        prompts.Parameters.AddWithValue("erased", PersonalDataProtector.Erased);
        await prompts.ExecuteNonQueryAsync(ct);
    }
}
