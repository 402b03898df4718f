using System.Diagnostics;
using System.Globalization;
using System.Text;
using DemandCenter.Embedded;
using DemandCenter.EventStore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace DemandCenter.Benchmarks;

/// <summary>
/// Append throughput per batch size against raw binary COPY of the same rows into a bare table (the physical limit),
/// 1-event append latency, projection daemon and rebuild throughput. 300-byte JSON events over 100,000 accounts,
/// Zipf-distributed. Runs on a durable private PostgreSQL (fsync and synchronous_commit on).
/// </summary>
public sealed class StoreBenchmark : IAsyncDisposable
{
    private const int Accounts = 100_000;
    private const string Type = "bench.page_viewed.v1";
    private readonly EmbeddedPostgres _postgres;
    private readonly IHost _host;
    private readonly bool _quick;
    private readonly Zipf _zipf = new(Accounts, 1.0, seed: 42);
    private readonly Dictionary<int, long> _versions = [];
    private long _copyVersion;

    private StoreBenchmark(EmbeddedPostgres postgres, IHost host, bool quick)
    {
        _postgres = postgres;
        _host = host;
        _quick = quick;
    }

    private EventStore.EventStore Store => _host.Services.GetRequiredService<EventStore.EventStore>();

    private NpgsqlDataSource DataSource => _host.Services.GetRequiredService<NpgsqlDataSource>();

    public static async Task<StoreBenchmark> StartAsync(bool quick)
    {
        var root = Path.Combine(Path.GetTempPath(), "demand-bench-" + Guid.NewGuid().ToString("n")[..8]);
        var postgres = new EmbeddedPostgres(root, Console.WriteLine, durable: true);
        await postgres.StartAsync();
        await postgres.CreateDatabaseAsync("bench");
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Demand:Postgres:ConnectionString"] = postgres.ConnectionString("bench"),
            ["Demand:Postgres:Schema"] = "bench",
        });
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddEventStore(builder.Configuration, t => t.Register<BenchEvent>(Type));
        var host = builder.Build();
        await host.StartAsync();
        return new StoreBenchmark(postgres, host, quick);
    }

    public async Task RunAsync(TextWriter output)
    {
        await using (var raw = DataSource.CreateCommand(
            """
            CREATE TABLE bench.raw_copy (stream_id text, version bigint, event_id uuid, type text, data json, metadata json);
            CREATE TABLE bench.indexed_copy (LIKE bench.events INCLUDING ALL);
            """))
        {
            await raw.ExecuteNonQueryAsync();
        }

        output.WriteLine($"PostgreSQL settings: {await SettingsAsync()}");
        output.WriteLine($"Event JSON size: {Payload(1, 1).Length} bytes; accounts: {Accounts:N0} (Zipf s=1.0)");
        output.WriteLine();
        output.WriteLine("| batch size | events | store events/s | raw COPY events/s | ratio to COPY | COPY into a copy of the events table, events/s | client CPU µs/event (store / COPY) | server CPU µs/event (store / COPY) |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<double> latencies = [];
        foreach (var (batch, planned) in new[] { (1, 3_000), (10, 20_000), (100, 100_000), (1_000, 200_000) })
        {
            var events = _quick ? Math.Max(batch, planned / 20) : planned;
            await AppendBatchAsync(batch, null);
            await CopyBatchAsync(batch);
            Meter.FindServerProcesses();
            // Interleaved batch by batch, so both paths see the same machine: the ratio is what carries over.
            var store = new Meter();
            var copy = new Meter();
            var indexed = new Meter();
            for (var done = 0; done < events; done += batch)
            {
                await store.MeasureAsync(() => AppendBatchAsync(batch, batch == 1 ? latencies : null));
                await copy.MeasureAsync(() => CopyBatchAsync(batch));
                await indexed.MeasureAsync(() => CopyBatchAsync(batch, "bench.indexed_copy"));
            }

            output.WriteLine($"| {batch:N0} | {events:N0} | {events / store.Wall.TotalSeconds:N0} | {events / copy.Wall.TotalSeconds:N0} | {copy.Wall / store.Wall:F2} | {events / indexed.Wall.TotalSeconds:N0} " +
                             $"| {store.Client.TotalMicroseconds / events:F1} / {copy.Client.TotalMicroseconds / events:F1} | {store.Server.TotalMicroseconds / events:F1} / {copy.Server.TotalMicroseconds / events:F1} |");
        }

        latencies.Sort();
        output.WriteLine();
        output.WriteLine($"1-event append latency: p50 {Percentile(latencies, 0.50):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms ({latencies.Count:N0} appends)");

        var total = await CountAsync();
        var projection = new StreamCountProjection();
        var daemon = Daemon(projection);
        var clock = Stopwatch.StartNew();
        await daemon.StartAsync(CancellationToken.None);
        while ((await daemon.StatusAsync(projection.Name, default)).Sequence < await LastSeqAsync())
        {
            await Task.Delay(20);
        }

        var live = total / clock.Elapsed.TotalSeconds;
        clock.Restart();
        await daemon.RebuildAsync(projection.Name, null, default);
        var rebuild = total / clock.Elapsed.TotalSeconds;
        await daemon.StopAsync(CancellationToken.None);
        output.WriteLine($"Projection daemon (from zero, {total:N0} events): {live:N0} events/s");
        output.WriteLine($"Rebuild into a new table and switch ({total:N0} events): {rebuild:N0} events/s");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _postgres.StopAsync();
        Directory.Delete(_postgres.RootDir, recursive: true);
    }

    private async Task AppendBatchAsync(int batch, List<double>? latencies)
    {
        var rows = Rows(batch);
        var started = Stopwatch.GetTimestamp();
        await using (var session = await Store.BeginSessionAsync(rows.Select(r => r.Stream), default))
        {
            foreach (var group in rows.GroupBy(r => r.Stream))
            {
                session.AppendRaw(group.Key, ExpectedVersion.Any, group.Select(r => r.Event));
            }

            await session.CommitAsync(default);
        }

        latencies?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>The same rows by plain binary COPY: into the bare table (the physical limit) or into an indexed copy of the events table.</summary>
    private async Task CopyBatchAsync(int batch, string table = "bench.raw_copy")
    {
        var rows = Rows(batch);
        await using var conn = await DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var importer = await conn.BeginBinaryImportAsync($"COPY {table} (stream_id, version, event_id, type, data, metadata) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (stream, e) in rows)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(stream, NpgsqlDbType.Text);
                await importer.WriteAsync(++_copyVersion, NpgsqlDbType.Bigint); // unique, as the indexed copy requires
                await importer.WriteAsync(e.EventId, NpgsqlDbType.Uuid);
                await importer.WriteAsync(e.Type, NpgsqlDbType.Text);
                await importer.WriteAsync(e.Json, NpgsqlDbType.Json);
                await importer.WriteAsync("{}", NpgsqlDbType.Json);
            }

            await importer.CompleteAsync();
        }

        await tx.CommitAsync();
    }

    private List<(string Stream, RawNewEvent Event)> Rows(int count)
    {
        var rows = new List<(string, RawNewEvent)>(count);
        for (var i = 0; i < count; i++)
        {
            var account = _zipf.Next();
            var version = _versions[account] = _versions.GetValueOrDefault(account) + 1;
            rows.Add(("account-" + account.ToString(CultureInfo.InvariantCulture), new RawNewEvent(Guid.NewGuid(), Type, Payload(account, version))));
        }

        return rows;
    }

    /// <summary>A page view of about 300 bytes, shaped like the journey's own events.</summary>
    private static string Payload(int account, long version)
    {
        var json = new StringBuilder(320)
            .Append("{\"accountId\":\"account-").Append(account).Append("\",\"at\":\"2026-11-22T10:00:00Z\",\"signalId\":\"")
            .Append(Guid.NewGuid()).Append("\",\"type\":\"web.page.viewed\",\"channel\":\"web\",\"url\":\"https://vendor.example/pricing/enterprise?ref=")
            .Append(version).Append("\",\"category\":\"pricing\",\"title\":\"");
        return json.Append(new string('x', Math.Max(0, 298 - json.Length))).Append("\"}").ToString();
    }

    private ProjectionDaemon Daemon(IAsyncProjection projection)
    {
        var sp = _host.Services;
        return new ProjectionDaemon([projection], DataSource, sp.GetRequiredService<EventStoreSchema>(), sp.GetRequiredService<EventFeed>(),
            sp.GetRequiredService<EventSerializer>(), sp.GetRequiredService<IOptions<EventStoreOptions>>(), NullLogger<ProjectionDaemon>.Instance);
    }

    private async Task<string> SettingsAsync()
    {
        await using var cmd = DataSource.CreateCommand(
            "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync','synchronous_commit','full_page_writes','shared_buffers','wal_level','server_version')");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<long> CountAsync()
    {
        await using var cmd = DataSource.CreateCommand("SELECT count(*) FROM bench.events");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<long> LastSeqAsync()
    {
        await using var cmd = DataSource.CreateCommand("SELECT seq FROM bench.events ORDER BY tx_id DESC, seq DESC LIMIT 1"); // the last event in feed order, on the primary key
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}

public sealed record BenchEvent(string AccountId, string Url);

/// <summary>Wall time, this process's CPU time and the PostgreSQL server processes' CPU time spent in the measured calls.</summary>
public sealed class Meter
{
    public TimeSpan Wall { get; private set; }

    public TimeSpan Client { get; private set; }

    public TimeSpan Server { get; private set; }

    private static List<string>? _postgres;

    /// <summary>Finds the PostgreSQL server processes (backends, WAL writer, checkpointer...) once; call again when connections change.</summary>
    public static void FindServerProcesses() => _postgres = Directory.EnumerateDirectories("/proc")
        .Where(d => Path.GetFileName(d).All(char.IsAsciiDigit))
        .Select(d => Path.Combine(d, "stat"))
        .Where(f => ReadStat(f) is { } stat && stat.Contains("(postgres", StringComparison.Ordinal))
        .ToList();

    public async Task MeasureAsync(Func<Task> work)
    {
        var server = ServerCpu();
        var client = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        await work();
        Wall += Stopwatch.GetElapsedTime(started);
        Client += Process.GetCurrentProcess().TotalProcessorTime - client;
        Server += ServerCpu() - server;
    }

    /// <summary>utime + stime of the server processes, from /proc (clock ticks of 10 ms on Linux).</summary>
    private static TimeSpan ServerCpu()
    {
        long ticks = 0;
        foreach (var file in _postgres ?? [])
        {
            if (ReadStat(file) is { } stat)
            {
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }

        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static string? ReadStat(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended while we looked
        }
    }
}

/// <summary>Events per stream: the shape of a typical counting read model, applied as one array upsert per batch.</summary>
public sealed class StreamCountProjection : IAsyncProjection
{
    public string Name => "bench_stream_counts";

    public string Table => "bench_stream_counts";

    public IReadOnlyCollection<string> DataOf => [];

    public string CreateTable(string qualifiedTable) =>
        $"CREATE TABLE IF NOT EXISTS {qualifiedTable} (stream_id text PRIMARY KEY, events bigint NOT NULL)";

    public async Task ApplyAsync(ProjectionBatch batch, CancellationToken ct)
    {
        var counts = batch.Events.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => (long)g.Count());
        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO {batch.Table} (stream_id, events) SELECT * FROM unnest(@s, @n)
            ON CONFLICT (stream_id) DO UPDATE SET events = {batch.Table}.events + EXCLUDED.events
            """, batch.Transaction.Connection, batch.Transaction);
        cmd.Parameters.AddWithValue("s", counts.Keys.ToArray());
        cmd.Parameters.AddWithValue("n", counts.Values.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
