using System.Security.Cryptography;
using DemandCenter.Contracts;
using DemandCenter.Embedded;
using DemandCenter.Host.Composition;
using DemandCenter.Ingestion.Collector;
using DemandCenter.Kafka;

namespace DemandCenter.Host.Embedded;

/// <summary>
/// Everything the embedded default needs besides the services: a private PostgreSQL cluster in the data folder
/// (created on first run, reused afterwards), librdkafka's mock cluster as the broker with the contract topics,
/// and the secrets (token signing key, a publisher API key) kept in the data folder. Disposing stops both servers.
/// </summary>
public sealed class EmbeddedRuntime : IAsyncDisposable
{
    private const string Database = "demand";
    private readonly EmbeddedPostgres _postgres;
    private readonly MockCluster _kafka;
    private readonly string _dataDir;

    private EmbeddedRuntime(string dataDir, EmbeddedPostgres postgres, MockCluster kafka, Dictionary<string, string?> settings)
    {
        _dataDir = dataDir;
        _postgres = postgres;
        _kafka = kafka;
        Settings = settings;
    }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    public string BootstrapServers => _kafka.BootstrapServers;

    public static async Task<EmbeddedRuntime> StartAsync(HostCommandLine options, TextWriter progress)
    {
        void Say(string line) => progress.WriteLine("[demand] " + line);
        var dataDir = Path.GetFullPath(options.DataDir);
        Directory.CreateDirectory(dataDir);

        var postgres = new EmbeddedPostgres(Path.Combine(dataDir, "pg"), Say);
        await postgres.StartAsync();
        if (!await postgres.DatabaseExistsAsync(Database))
        {
            Say($"creating database '{Database}'");
            await postgres.CreateDatabaseAsync(Database);
        }

        // The in-process broker starts empty every run, so offsets stored against the previous one point nowhere;
        // left in place they would make consumers skip the new broker's first messages.
        await ForgetOffsetsAsync(postgres.ConnectionString(Database));

        Say("starting the in-process Kafka-protocol broker (librdkafka mock cluster)");
        var kafka = new MockCluster();
        const int partitions = 8;
        foreach (var topic in Topics.All)
        {
            kafka.CreateTopic(topic, partitions);
        }

        Say($"created {Topics.All.Count} topics with {partitions} partitions each on {kafka.BootstrapServers}");
        await File.WriteAllTextAsync(Path.Combine(dataDir, "kafka.bootstrap"), kafka.BootstrapServers + "\n");

        var secrets = Path.Combine(dataDir, "secrets");
        var signingKey = await SecretAsync(secrets, "jwt-signing.key", () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var apiKey = await SecretAsync(secrets, "api-key", () => "dc_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));

        var settings = new Dictionary<string, string?>
        {
            ["Demand:Postgres:ConnectionString"] = postgres.ConnectionString(Database),
            ["Demand:Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Demand:Kafka:Partitions"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The mock cluster holds a join for session.timeout - 1 s: keep start-up quick.
            ["Demand:Kafka:SessionTimeoutMs"] = "6000",
            ["Demand:Kafka:HeartbeatIntervalMs"] = "500",
            ["Demand:Auth:SigningKey"] = signingKey,
            ["Demand:Hub:DevSignIn"] = "true",
            ["Demand:Ingestion:ApiKeys:0:Name"] = "embedded",
            ["Demand:Ingestion:ApiKeys:0:Sha256"] = ApiKeys.Hash(apiKey),
        };
        foreach (var (key, value) in MockCluster.ClientConfiguration)
        {
            settings[key] = value;
        }

        return new EmbeddedRuntime(dataDir, postgres, kafka, settings);
    }

    public void WriteUrl(string url) => File.WriteAllText(Path.Combine(_dataDir, "url"), url + "\n");

    public async ValueTask DisposeAsync()
    {
        _kafka.Dispose();
        await _postgres.StopAsync();
        Console.WriteLine("[demand] stopped");
    }

    private static async Task ForgetOffsetsAsync(string connectionString)
    {
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "DO $$ BEGIN IF to_regclass('demand.consumer_offsets') IS NOT NULL THEN DELETE FROM demand.consumer_offsets; END IF; END $$", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<string> SecretAsync(string dir, string name, Func<string> create)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path)).Trim();
        }

        var value = create();
        await File.WriteAllTextAsync(path, value + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return value;
    }
}
