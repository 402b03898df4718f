using Xunit;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Confluent.Kafka;
using DemandCenter.Contracts;
using DemandCenter.Embedded;
using DemandCenter.Host.Composition;
using DemandCenter.Ingestion.Collector;
using DemandCenter.Kafka;
using Microsoft.AspNetCore.Builder;
using Npgsql;

namespace DemandCenter.Testing;

/// <summary>
/// The whole product in this test process against real servers: a private PostgreSQL cluster and a mock-cluster
/// Kafka broker of its own (so each test class is isolated), and the three services composed as in embedded mode,
/// listening on a free loopback port.
/// </summary>
public class DemandTestHost : IAsyncLifetime
{
    public const string Database = "demand";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "demand-tests", Guid.NewGuid().ToString("n"));
    private EmbeddedPostgres? _postgres;
    private MockCluster? _kafka;
    private WebApplication? _app;
    private IProducer<string, byte[]>? _producer;

    public string BaseUrl { get; private set; } = "";

    public string BootstrapServers => _kafka!.BootstrapServers;

    public string ApiKey { get; } = "test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string ConnectionString => _postgres!.ConnectionString(Database);

    public HttpClient Http { get; } = new();

    public IServiceProvider Services => _app!.Services;

    /// <summary>Extra settings a test class needs; applied over the defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        _postgres = new EmbeddedPostgres(Path.Combine(_root, "pg"));
        await _postgres.StartAsync();
        await _postgres.CreateDatabaseAsync(Database);
        _kafka = new MockCluster();
        foreach (var topic in Topics.All)
        {
            _kafka.CreateTopic(topic, 4);
        }

        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Demand:Postgres:ConnectionString"] = ConnectionString,
            ["Demand:Kafka:BootstrapServers"] = BootstrapServers,
            ["Demand:Kafka:SessionTimeoutMs"] = "4000",
            ["Demand:Kafka:HeartbeatIntervalMs"] = "500",
            ["Demand:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Demand:Hub:DevSignIn"] = "true",
            ["Demand:Ingestion:ApiKeys:0:Name"] = "tests",
            ["Demand:Ingestion:ApiKeys:0:Sha256"] = ApiKeys.Hash(ApiKey),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in ExtraSettings)
        {
            settings[k] = v;
        }

        var options = new HostCommandLine(Embedded: true, Simulator: false, HostCommandLine.AllServices, _root, []);
        _app = DemandApp.Build(options, settings);
        await _app.StartAsync();
        BaseUrl = DemandApp.BaseUrl(_app);
        Http.BaseAddress = new Uri(BaseUrl);
        await Wait.UntilAsync(async () => (await Http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode, ReadyTimeout, "the host to become ready");
        _producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = BootstrapServers }).Build();
    }

    public async Task DisposeAsync()
    {
        _producer?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _kafka?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.StopAsync();
        }

        Http.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a run over it.
        }
    }

    /// <summary>Publishes raw bytes as a marketing system would.</summary>
    public Task PublishAsync(string topic, string key, byte[] value, Headers? headers = null) =>
        _producer!.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = value, Headers = headers });

    public async Task<string> TokenAsync(string sub)
    {
        var response = await Http.PostAsJsonAsync(new Uri("/api/v1/dev/token", UriKind.Relative), new { sub });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        return body!["accessToken"];
    }

    public async Task<HttpClient> ClientForAsync(string sub)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(sub));
        return client;
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        var result = await cmd.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads a topic from the beginning until <paramref name="match"/> has been seen, or fails at the deadline.</summary>
    public ConsumeResult<string, byte[]> ConsumeUntil(string topic, Func<ConsumeResult<string, byte[]>, bool> match, TimeSpan timeout)
    {
        LibrdkafkaLoader.EnsureLoaded();
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "test-reader-" + Guid.NewGuid().ToString("n"),
            EnableAutoCommit = false,
        }).Build();
        using (var admin = new DependentAdminClientBuilder(consumer.Handle).Build())
        {
            var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        }

        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is not null && !result.IsPartitionEOF && match(result))
            {
                return result;
            }
        }

        throw new TimeoutException($"No matching message on {topic} within {timeout}.");
    }
}
