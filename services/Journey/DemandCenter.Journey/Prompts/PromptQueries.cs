using System.Text.Json;
using DemandCenter.Contracts;
using DemandCenter.EventStore;
using Npgsql;

namespace DemandCenter.Journey.Prompts;

/// <summary>Reads of the prompts read model for inboxes, catch-up and the REST API.</summary>
public sealed class PromptQueries(NpgsqlDataSource dataSource, EventStoreSchema schema)
{
    public const int MaxPage = 500;

    /// <summary>
    /// The prompts in the given feeds (a seller's own id and their pools' feed ids) whose sequence is above
    /// <paramref name="afterSequence"/>, oldest first: what is new or changed since then.
    /// </summary>
    public Task<IReadOnlyList<PromptMessage>> AfterAsync(IReadOnlyCollection<string> feeds, long afterSequence, CancellationToken ct) =>
        QueryAsync($"SELECT payload, status FROM {schema.Schema}.prompts WHERE seller_id = ANY(@feeds) AND sequence > @after ORDER BY sequence LIMIT {MaxPage}",
            p => { p.AddWithValue("feeds", feeds.ToArray()); p.AddWithValue("after", afterSequence); }, ct);

    /// <summary>One prompt as it now is, or null.</summary>
    public async Task<PromptMessage?> GetAsync(Guid promptId, CancellationToken ct) =>
        (await QueryAsync($"SELECT payload, status FROM {schema.Schema}.prompts WHERE prompt_id = @id",
            p => p.AddWithValue("id", promptId), ct)).FirstOrDefault();

    /// <summary>A seller's prompts, newest first, optionally only those in one status.</summary>
    public Task<IReadOnlyList<PromptMessage>> ForSellerAsync(string sellerId, string? status, CancellationToken ct) =>
        QueryAsync($"SELECT payload, status FROM {schema.Schema}.prompts WHERE seller_id = @seller AND (@status::text IS NULL OR status = @status) ORDER BY sequence DESC LIMIT {MaxPage}",
            p => { p.AddWithValue("seller", sellerId); p.Add(new NpgsqlParameter("status", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)status ?? DBNull.Value }); }, ct);

    /// <summary>An account's prompts, newest first (open and past).</summary>
    public Task<IReadOnlyList<PromptMessage>> ForAccountAsync(string accountId, CancellationToken ct) =>
        QueryAsync($"SELECT payload, status FROM {schema.Schema}.prompts WHERE account_id = @account ORDER BY created_at DESC LIMIT {MaxPage}",
            p => p.AddWithValue("account", accountId), ct);

    private async Task<IReadOnlyList<PromptMessage>> QueryAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        bind(cmd.Parameters);
        var list = new List<PromptMessage>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var prompt = JsonSerializer.Deserialize<PromptMessage>(reader.GetString(0), ContractJson.Options)!;
            list.Add(prompt with { Status = reader.GetString(1) });
        }

        return list;
    }
}
