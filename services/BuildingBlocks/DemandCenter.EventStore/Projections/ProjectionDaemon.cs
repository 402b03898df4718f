using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.EventStore;

/// <summary>
/// Runs every registered <see cref="IAsyncProjection"/>, each in a loop of its own over the <see cref="EventFeed"/>.
/// A batch is applied and the checkpoint moved in one transaction. A failing batch is retried with back-off and, after
/// <see cref="EventStoreOptions.ProjectionMaxAttempts"/>, the projection is parked with its error (see
/// <see cref="ResumeAsync"/>) while the others go on. <see cref="RebuildAsync"/> rebuilds one into a new table while
/// the old keeps serving, then switches.
/// </summary>
public sealed class ProjectionDaemon(
    IEnumerable<IAsyncProjection> projections,
    NpgsqlDataSource dataSource,
    EventStoreSchema schema,
    EventFeed feed,
    EventSerializer serializer,
    IOptions<EventStoreOptions> options,
    ILogger<ProjectionDaemon> logger) : BackgroundService
{
    private const int BatchSize = 1000;
    private const int RebuildBatchSize = 10_000;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private readonly Dictionary<string, Runner> _runners = projections.ToDictionary(p => p.Name, p => new Runner(p), StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _runners.Keys;

    /// <summary>Creates every projection's table before the host goes on, so readers never find it missing.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var runner in _runners.Values)
        {
            await ExecuteAsync(runner.Projection.CreateTable(Qualified(runner.Projection.Table)), cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_runners.Count == 0)
        {
            return;
        }

        _ = NotificationListener.ListenAsync(dataSource, schema.EventsChannel, WakeAll, logger, stoppingToken);
        await Task.WhenAll(_runners.Values.Select(r => RunAsync(r, stoppingToken)));
    }

    public async Task<ProjectionStatus> StatusAsync(string name, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT tx_id, seq, status, error, failures FROM {schema.Schema}.projection_checkpoints WHERE name = @n");
        cmd.Parameters.AddWithValue("n", name);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new ProjectionStatus(name, reader.GetFieldValue<ulong>(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4))
            : new ProjectionStatus(name, 0, 0, "new", null, 0);
    }

    /// <summary>Un-parks a projection: it retries from its checkpoint.</summary>
    public async Task ResumeAsync(string name, CancellationToken ct)
    {
        var runner = _runners[name];
        await using var cmd = dataSource.CreateCommand($"UPDATE {schema.Schema}.projection_checkpoints SET status = 'running', error = NULL, failures = 0, updated_at = now() WHERE name = @n");
        cmd.Parameters.AddWithValue("n", name);
        await cmd.ExecuteNonQueryAsync(ct);
        runner.Parked = false;
        runner.Wake();
    }

    /// <summary>
    /// Builds the projection from the first event into a fresh table while the live one keeps serving and updating,
    /// then, with the live loop held for the last few events, swaps the tables and moves the checkpoint in one transaction.
    /// </summary>
    public async Task RebuildAsync(string name, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        var runner = _runners[name];
        var projection = runner.Projection;
        var next = $"{projection.Table}_next_{Guid.NewGuid().ToString("n")[..8]}";
        await ExecuteAsync($"DROP TABLE IF EXISTS {Qualified(next)}; {projection.CreateTable(Qualified(next))}", ct);
        var total = await feed.CountAsync(ct);
        var clock = Stopwatch.StartNew();
        (ulong Tx, long Seq) position = (0, 0);
        long processed = 0;

        // Whether the page was full: a short one read everything below the feed's horizon.
        async Task<bool> StepAsync()
        {
            var page = await feed.ReadPageAsync(position.Tx, position.Seq, RebuildBatchSize, projection.DataOf, projection.ReadsOnlyDataOf, ct);
            if (page.Events.Count > 0)
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                await using var tx = await conn.BeginTransactionAsync(ct);
                await projection.ApplyAsync(new ProjectionBatch(tx, Qualified(next), page.Events, serializer), ct);
                await tx.CommitAsync(ct);
                processed += page.Events.Count;
                progress?.Report(new RebuildProgress(name, processed, Math.Max(total, processed), processed / Math.Max(clock.Elapsed.TotalSeconds, 1e-3), false));
            }

            position = (page.TxId, page.Sequence);
            return page.Full;
        }

        while (await StepAsync())
        {
        }

        await runner.Gate.WaitAsync(ct);
        try
        {
            while (await StepAsync())
            {
            }

            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var swap = new NpgsqlCommand(
                $"""
                DROP TABLE IF EXISTS {Qualified(projection.Table)};
                ALTER TABLE {Qualified(next)} RENAME TO {projection.Table};
                INSERT INTO {schema.Schema}.projection_checkpoints (name, tx_id, seq) VALUES (@n, @tx, @seq)
                ON CONFLICT (name) DO UPDATE SET tx_id = EXCLUDED.tx_id, seq = EXCLUDED.seq, status = 'running', error = NULL, failures = 0, updated_at = now();
                """, conn, tx))
            {
                swap.Parameters.AddWithValue("n", name);
                swap.Parameters.Add(new NpgsqlParameter("tx", NpgsqlDbType.Xid8) { Value = position.Tx });
                swap.Parameters.AddWithValue("seq", position.Seq);
                await swap.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
            runner.Checkpoint = position;
            runner.Parked = false;
            progress?.Report(new RebuildProgress(name, processed, processed, processed / Math.Max(clock.Elapsed.TotalSeconds, 1e-3), true));
            logger.LogInformation("Rebuilt projection {Projection}: {Count} events in {Elapsed}", name, processed, clock.Elapsed);
        }
        finally
        {
            runner.Gate.Release();
            runner.Wake();
        }
    }

    private async Task RunAsync(Runner runner, CancellationToken ct)
    {
        var projection = runner.Projection;
        var status = await StatusAsync(projection.Name, ct);
        runner.Checkpoint = (status.TxId, status.Sequence);
        runner.Parked = status.Status == "parked";
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var more = false;
            await runner.Gate.WaitAsync(ct);
            try
            {
                if (!runner.Parked)
                {
                    more = await ApplyNextAsync(runner, ct);
                    failures = 0;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A projection's own bug must not stop the daemon: it is retried, then parked with its error.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures++;
                logger.LogWarning(ex, "Projection {Projection} failed (attempt {Attempt})", projection.Name, failures);
                if (failures >= options.Value.ProjectionMaxAttempts)
                {
                    await ParkAsync(runner, ex, failures, ct);
                    failures = 0;
                }
            }
            finally
            {
                runner.Gate.Release();
            }

            if (!more)
            {
                var delay = failures > 0 ? Kafka.Backoff.After(failures) : Poll;
                await runner.WaitAsync(delay, ct);
            }
        }
    }

    /// <summary>Applies the next page, if it has events, and moves the checkpoint; whether the page was full (more is waiting).</summary>
    private async Task<bool> ApplyNextAsync(Runner runner, CancellationToken ct)
    {
        var projection = runner.Projection;
        var page = await feed.ReadPageAsync(runner.Checkpoint.Tx, runner.Checkpoint.Seq, BatchSize, projection.DataOf, projection.ReadsOnlyDataOf, ct);
        if (page.Events.Count == 0)
        {
            // Nothing to apply (the feed may have skipped events): the position moves here and is stored with the next batch.
            runner.Checkpoint = (page.TxId, page.Sequence);
            return page.Full;
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await projection.ApplyAsync(new ProjectionBatch(tx, Qualified(projection.Table), page.Events, serializer), ct);
        await using (var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO {schema.Schema}.projection_checkpoints (name, tx_id, seq) VALUES (@n, @tx, @seq)
            ON CONFLICT (name) DO UPDATE SET tx_id = EXCLUDED.tx_id, seq = EXCLUDED.seq, failures = 0, updated_at = now()
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("n", projection.Name);
            cmd.Parameters.Add(new NpgsqlParameter("tx", NpgsqlDbType.Xid8) { Value = page.TxId });
            cmd.Parameters.AddWithValue("seq", page.Sequence);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        runner.Checkpoint = (page.TxId, page.Sequence);
        return page.Full;
    }

    private async Task ParkAsync(Runner runner, Exception error, int failures, CancellationToken ct)
    {
        runner.Parked = true;
        logger.LogError(error, "Projection {Projection} parked after {Failures} failed attempts", runner.Projection.Name, failures);
        await using var cmd = dataSource.CreateCommand(
            $"""
            INSERT INTO {schema.Schema}.projection_checkpoints (name, status, error, failures) VALUES (@n, 'parked', @e, @f)
            ON CONFLICT (name) DO UPDATE SET status = 'parked', error = EXCLUDED.error, failures = EXCLUDED.failures, updated_at = now()
            """);
        cmd.Parameters.AddWithValue("n", runner.Projection.Name);
        cmd.Parameters.AddWithValue("e", error.GetType().Name + ": " + error.Message);
        cmd.Parameters.AddWithValue("f", failures);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private string Qualified(string table) => schema.Schema + "." + table;

    private void WakeAll()
    {
        foreach (var runner in _runners.Values)
        {
            runner.Wake();
        }
    }

    public override void Dispose()
    {
        foreach (var runner in _runners.Values)
        {
            runner.Dispose();
        }

        base.Dispose();
    }

    private sealed class Runner(IAsyncProjection projection) : IDisposable
    {
        private readonly SemaphoreSlim _wake = new(0);

        public IAsyncProjection Projection { get; } = projection;

        /// <summary>Held while a batch is applied; a rebuild holds it to switch tables.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public (ulong Tx, long Seq) Checkpoint { get; set; }

        private volatile bool _parked;

        public bool Parked
        {
            get => _parked;
            set => _parked = value;
        }

        public void Wake()
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }

        public Task WaitAsync(TimeSpan delay, CancellationToken ct) => _wake.WaitAsync(delay, ct);

        public void Dispose()
        {
            _wake.Dispose();
            Gate.Dispose();
        }
    }
}
