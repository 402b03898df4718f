using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace DemandCenter.Embedded;

/// <summary>
/// A private PostgreSQL cluster run from the machine's PostgreSQL binaries in a data folder of our own:
/// initdb on first use, reused afterwards, stopped on dispose. The server refuses to run as root, so as root
/// it runs as the postgres system user.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private readonly string _dataDir;
    private readonly string _socketDir;
    private readonly string _bin;
    private readonly Action<string> _log;
    private readonly bool _durable;
    private bool _started;

    /// <param name="durable">
    /// True (the product default): fsync and synchronous commit stay on, so a committed transaction survives a
    /// machine crash. False turns fsync off (a commit then survives a server crash but not a machine crash), for
    /// throwaway test clusters.
    /// </param>
    public EmbeddedPostgres(string rootDir, Action<string>? log = null, bool durable = true)
    {
        _durable = durable;
        RootDir = Path.GetFullPath(rootDir);
        _dataDir = Path.Combine(RootDir, "data");
        _socketDir = Path.Combine(RootDir, "run");
        _bin = FindBinaries();
        _log = log ?? (_ => { });
    }

    public string RootDir { get; }

    public int Port { get; private set; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=30";

    private static bool IsRoot => RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && Environment.UserName == "root";

    /// <param name="port">A port to listen on (a restart keeps its port so clients reconnect); a free one when null.</param>
    public async Task StartAsync(CancellationToken ct = default, int? port = null)
    {
        Directory.CreateDirectory(RootDir);
        Directory.CreateDirectory(_socketDir);
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", RootDir], asPostgres: false, ct);
        }

        if (!File.Exists(Path.Combine(_dataDir, "PG_VERSION")))
        {
            _log($"creating a PostgreSQL cluster in {_dataDir}");
            await RunAsync(Path.Combine(_bin, "initdb"),
                ["-D", _dataDir, "-U", "postgres", "--auth-local=trust", "--auth-host=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], asPostgres: true, ct);
        }

        // A previous run killed without a shutdown leaves its server running: stop it, then start on a fresh port.
        if (await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _dataDir, "status"], asPostgres: true, ct, allowFailure: true) == 0)
        {
            _log("stopping a PostgreSQL server left running by an earlier run");
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _dataDir, "-m", "fast", "-w", "stop"], asPostgres: true, ct, allowFailure: true);
        }

        Port = port ?? FreePort();
        _log($"starting PostgreSQL on 127.0.0.1:{Port}");
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -k {_socketDir} -c max_connections=200" +
                      // The WAL writer flushes every 10 ms (not 200) while a large transaction runs, so its commit waits
                      // only for the tail of its WAL: a Journey batch's commit took 7-15 ms, now 5-13 (BENCHMARKS.md).
                      " -c wal_writer_delay=10ms" +
                      // Even throwaway clusters keep synchronous_commit: a commit must survive the server's own crash, which tests cause.
                      (_durable ? "" : " -c fsync=off -c full_page_writes=off");
        await RunAsync(Path.Combine(_bin, "pg_ctl"),
            ["-D", _dataDir, "-w", "-t", "60", "-l", Path.Combine(RootDir, "postgres.log"), "-o", options, "start"], asPostgres: true, ct);
        _started = true;
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString());
        await conn.OpenAsync(ct);
        await using var cmd = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> DatabaseExistsAsync(string name, CancellationToken ct = default)
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString());
        await conn.OpenAsync(ct);
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", conn);
        cmd.Parameters.AddWithValue("n", name);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public async Task StopAsync()
    {
        if (!_started)
        {
            return;
        }

        _started = false;
        Npgsql.NpgsqlConnection.ClearAllPools();
        _log("stopping PostgreSQL");
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _dataDir, "-m", "fast", "-w", "stop"], asPostgres: true, CancellationToken.None, allowFailure: true);
    }

    /// <summary>Stops the server, as an outage would, and brings it back on the same port.</summary>
    public async Task StopForOutageAsync()
    {
        _started = false;
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _dataDir, "-m", "immediate", "-w", "stop"], asPostgres: true, CancellationToken.None);
    }

    public Task RestartAfterOutageAsync() => StartAsync(CancellationToken.None, Port);

    public ValueTask DisposeAsync() => new(StopAsync());

    private static string FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("DEMAND_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var root = "/usr/lib/postgresql";
        var dir = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return dir ?? throw new InvalidOperationException("No PostgreSQL server binaries found under /usr/lib/postgresql (install the postgresql package, or set DEMAND_PG_BIN).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<int> RunAsync(string file, IReadOnlyList<string> args, bool asPostgres, CancellationToken ct, bool allowFailure = false)
    {
        var psi = new ProcessStartInfo(asPostgres && IsRoot ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres && IsRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                psi.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }

        return process.ExitCode;
    }
}
