using System.Collections.Concurrent;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Kafka;
using DemandCenter.Testing;
using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.Integration.Tests.Hub;

/// <summary>
/// Plays the Journey service's side of the Hub's contract, so the Hub can be tested alone and exactly: writes prompts
/// into the prompts read model and publishes them (prompt.raised), answers commands from demand.journey.commands with
/// prompt.updated carrying the command id (a new sequence on every change), refuses or ignores commands on request,
/// and publishes board cards.
/// </summary>
public sealed class ScriptedJourney : IAsyncDisposable
{
    private readonly DemandInfrastructure _infra;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, string> _refusals = new();
    private readonly ConcurrentDictionary<string, bool> _ignored = new();
    private readonly ConcurrentDictionary<string, string> _accountRefusals = new();

    public ScriptedJourney(DemandInfrastructure infra)
    {
        _infra = infra;
        _loop = Task.Factory.StartNew(AnswerCommands, TaskCreationOptions.LongRunning);
    }

    /// <summary>Every command received, in arrival order.</summary>
    public ConcurrentQueue<JourneyCommandMessage> Commands { get; } = new();

    /// <summary>Commands on this prompt are answered with a refusal naming <paramref name="reason"/>.</summary>
    public void Refuse(string promptId, string reason) => _refusals[promptId] = reason;

    /// <summary>Reassignments of this account are refused: its current card comes back with the command's id and the reason.</summary>
    public void RefuseAccount(string accountId, string reason) => _accountRefusals[accountId] = reason;

    /// <summary>Commands on this prompt get no answer at all.</summary>
    public void Ignore(string promptId) => _ignored[promptId] = true;

    /// <summary>A new open prompt, not stored or published.</summary>
    public static PromptMessage Prompt(string sellerId, string accountId, string role = PromptRoles.Owner, DateTimeOffset? dueBy = null)
    {
        var now = DateTimeOffset.UtcNow;
        return new PromptMessage(Guid.NewGuid().ToString(), 0, sellerId, accountId, accountId, "kim@" + accountId, PromptActions.Call, role, 50,
            dueBy ?? now.AddHours(4), new TimeWindow(now, now.AddHours(1)), "Kim viewed pricing twice today; call about plans.",
            [new EvidenceItem(Guid.NewGuid().ToString(), "web.page.viewed", "web", now, "Viewed /pricing")], BuyingJobs.SupplierSelection, now, PromptStatus.Open);
    }

    public async Task<PromptMessage> RaiseAsync(string sellerId, string accountId, string role = PromptRoles.Owner, DateTimeOffset? dueBy = null)
    {
        var prompt = Prompt(sellerId, accountId, role, dueBy);
        prompt = prompt with { Sequence = await WriteAsync(prompt, insert: true) };
        await _infra.PublishAsync(Topics.Prompts, accountId, ContractJson.Serialize(prompt),
            new Headers().AddString(MessageHeaders.MessageType, MessageHeaders.PromptRaisedType));
        return prompt;
    }

    public Task PublishCardAsync(BoardCard card) => _infra.PublishAsync(Topics.Board, card.AccountId, ContractJson.Serialize(card));

    public static BoardCard Card(string accountId, string? focus, long version, string? owner = "ana", string? territory = "emea", string? previousFocus = null) =>
        new(accountId, accountId, owner, territory, "enterprise", "1", focus, previousFocus, null, focus, new JourneyScores(40, 30, 20, 60), 0, 3, DateTimeOffset.UtcNow, version);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private void AnswerCommands()
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _infra.BootstrapServers,
            GroupId = "scripted-journey-" + Guid.NewGuid().ToString("n"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(Topics.JourneyCommands);
        while (!_stop.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null || result.IsPartitionEOF)
            {
                continue;
            }

            var command = ContractJson.Deserialize<JourneyCommandMessage>(result.Message.Value);
            result.Message.Key.ShouldBe(command.AccountId, "commands are keyed by account");
            Commands.Enqueue(command);
            AnswerAsync(command).GetAwaiter().GetResult();
        }

        consumer.Close();
    }

    private async Task AnswerAsync(JourneyCommandMessage command)
    {
        if (command.Kind == JourneyCommandKinds.ReassignAccount && _accountRefusals.TryGetValue(command.AccountId, out var refusal))
        {
            await _infra.PublishAsync(Topics.Board, command.AccountId, ContractJson.Serialize(Card(command.AccountId, BuyingJobs.Validation, DateTimeOffset.UtcNow.Ticks)),
                new Headers().AddString(MessageHeaders.CommandId, command.CommandId.ToString()).AddString(MessageHeaders.Rejected, refusal));
            return;
        }

        if (command.Kind == JourneyCommandKinds.ReassignAccount)
        {
            foreach (var prompt in await ActiveForAccountAsync(command.AccountId))
            {
                await ChangeAsync(command, prompt, prompt with { SellerId = command.ToSellerId! }, prompt.SellerId);
            }

            await PublishCardAsync(Card(command.AccountId, BuyingJobs.Validation, DateTimeOffset.UtcNow.Ticks, owner: command.ToSellerId));
            return;
        }

        var current = await CurrentAsync(command.PromptId!);
        if (_ignored.ContainsKey(command.PromptId!))
        {
            return;
        }

        if (_refusals.TryGetValue(command.PromptId!, out var reason))
        {
            await PublishUpdateAsync(new PromptUpdate(current.PromptId, current.AccountId, current.Status, DateTimeOffset.UtcNow, current) { CommandId = command.CommandId, Rejected = reason });
            return;
        }

        var next = command.Kind switch
        {
            JourneyCommandKinds.Accept => current with { Status = PromptStatus.Accepted, SellerId = PromptPools.IsPool(current.SellerId) ? command.ActorId : current.SellerId },
            JourneyCommandKinds.Snooze => current with { Status = PromptStatus.Snoozed, SnoozedUntil = command.Until },
            JourneyCommandKinds.Dismiss => current with { Status = PromptStatus.Dismissed, DismissReason = command.Reason },
            JourneyCommandKinds.Complete => current with { Status = PromptStatus.Completed, Outcome = command.Outcome },
            JourneyCommandKinds.ReassignPrompt => current with { SellerId = command.ToSellerId! },
            _ => throw new InvalidOperationException("Unexpected command " + command.Kind),
        };
        await ChangeAsync(command, current, next, current.SellerId);
    }

    private async Task ChangeAsync(JourneyCommandMessage command, PromptMessage before, PromptMessage after, string previousSeller)
    {
        after = after with { UpdatedAt = DateTimeOffset.UtcNow };
        after = after with { Sequence = await WriteAsync(after, insert: false) };
        await PublishUpdateAsync(new PromptUpdate(after.PromptId, after.AccountId, after.Status, DateTimeOffset.UtcNow, after)
        {
            CommandId = command.CommandId,
            PreviousSellerId = previousSeller != after.SellerId ? before.SellerId : null,
        });
    }

    private Task PublishUpdateAsync(PromptUpdate update) =>
        _infra.PublishAsync(Topics.Prompts, update.AccountId, ContractJson.Serialize(update),
            new Headers().AddString(MessageHeaders.MessageType, MessageHeaders.PromptUpdatedType));

    /// <summary>Writes the prompt with the next sequence (as the Journey's projection does on every change) and returns it.</summary>
    private async Task<long> WriteAsync(PromptMessage prompt, bool insert)
    {
        await using var conn = new NpgsqlConnection(_infra.ConnectionString);
        await conn.OpenAsync();
        var sql = insert
            ? """
              INSERT INTO demand.prompts (prompt_id, sequence, seller_id, account_id, status, payload)
              SELECT @id, s, @seller, @account, @status, jsonb_set(@payload, '{sequence}', to_jsonb(s))
              FROM nextval(pg_get_serial_sequence('demand.prompts', 'sequence')) AS s RETURNING sequence
              """
            : """
              UPDATE demand.prompts SET sequence = s, seller_id = @seller, status = @status, payload = jsonb_set(@payload, '{sequence}', to_jsonb(s))
              FROM nextval(pg_get_serial_sequence('demand.prompts', 'sequence')) AS s WHERE prompt_id = @id RETURNING sequence
              """;
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("id", Guid.Parse(prompt.PromptId));
        cmd.Parameters.AddWithValue("seller", prompt.SellerId);
        cmd.Parameters.AddWithValue("account", prompt.AccountId);
        cmd.Parameters.AddWithValue("status", prompt.Status);
        cmd.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = System.Text.Encoding.UTF8.GetString(ContractJson.Serialize(prompt)) });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<PromptMessage> CurrentAsync(string promptId) =>
        (await QueryAsync("SELECT payload, status FROM demand.prompts WHERE prompt_id = @p", Guid.Parse(promptId))).Single();

    private Task<List<PromptMessage>> ActiveForAccountAsync(string accountId) =>
        QueryAsync("SELECT payload, status FROM demand.prompts WHERE account_id = @p AND status IN ('open', 'accepted', 'snoozed')", accountId);

    private async Task<List<PromptMessage>> QueryAsync(string sql, object parameter)
    {
        await using var conn = new NpgsqlConnection(_infra.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("p", parameter);
        var list = new List<PromptMessage>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(ContractJson.Deserialize<PromptMessage>(System.Text.Encoding.UTF8.GetBytes(reader.GetString(0))) with { Status = reader.GetString(1) });
        }

        return list;
    }
}
