using Shouldly;
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
/// Real servers of a test class's own: a private PostgreSQL cluster and a mock-cluster Kafka broker with the
/// product's topics, so test classes never see each other's data.
/// </summary>
public class DemandInfrastructure : IAsyncLifetime
{
    public const string Database = "demand";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "demand-tests", Guid.NewGuid().ToString("n"));
    private EmbeddedPostgres? _postgres;
    private MockCluster? _kafka;
    private IProducer<string, byte[]>? _producer;

    protected string Root => _root;

    public string BootstrapServers => _kafka!.BootstrapServers;

    public string ConnectionString => _postgres!.ConnectionString(Database);

    public EmbeddedPostgres Postgres => _postgres!;

    public virtual async Task InitializeAsync()
    {
        _postgres = new EmbeddedPostgres(Path.Combine(_root, "pg"), durable: false);
        await _postgres.StartAsync();
        await _postgres.CreateDatabaseAsync(Database);
        _kafka = new MockCluster();
        foreach (var topic in Topics.All)
        {
            _kafka.CreateTopic(topic, 4);
        }

        LibrdkafkaLoader.EnsureLoaded();
        _producer = new ProducerBuilder<string, byte[]>(ProducerConfig()).Build();
    }

    public virtual async Task DisposeAsync()
    {
        _producer?.Dispose();
        _kafka?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.StopAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a run over it.
        }
    }

    /// <summary>Settings for a service started as its own process (<see cref="ServiceProcess"/>) against these servers.</summary>
    public Dictionary<string, string> ServiceSettings()
    {
        var settings = new Dictionary<string, string>
        {
            ["Demand:Postgres:ConnectionString"] = ConnectionString,
            ["Demand:Kafka:BootstrapServers"] = BootstrapServers,
            ["Demand:Kafka:SessionTimeoutMs"] = "4000",
            ["Demand:Kafka:HeartbeatIntervalMs"] = "500",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in MockCluster.ClientConfiguration)
        {
            settings[key] = value!;
        }

        return settings;
    }

    /// <summary>A producer configuration for this broker, for tests that publish directly.</summary>
    public ProducerConfig ProducerConfig(int lingerMs = 5)
    {
        var config = new ProducerConfig { BootstrapServers = BootstrapServers, LingerMs = lingerMs };
        MockCluster.Configure(config);
        return config;
    }

    /// <summary>Publishes raw bytes as a marketing system would.</summary>
    public Task PublishAsync(string topic, string key, byte[] value, Headers? headers = null) =>
        _producer!.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = value, Headers = headers });

    /// <summary>Queues many messages at once, then waits until the broker has them all.</summary>
    public void PublishMany(string topic, IEnumerable<(string Key, byte[] Value)> messages)
    {
        foreach (var (key, value) in messages)
        {
            _producer!.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });
        }

        _producer!.Flush(TimeSpan.FromSeconds(60)).ShouldBe(0, "every message delivered");
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

    /// <summary>True once the journey has recorded the signal with this CloudEvents source and id.</summary>
    public async Task<bool> RecordedAsync(string source, string id)
    {
        try
        {
            return await ScalarAsync<long>("SELECT count(*) FROM demand.events WHERE event_id = @id", ("id", DemandCenter.Ingestion.Domain.SignalIds.For(source, id))) == 1;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return false; // the service has not created its tables yet
        }
    }

    public Task WaitUntilRecordedAsync(string id, string source = CloudEvents.Source) =>
        Wait.UntilAsync(() => RecordedAsync(source, id), TimeSpan.FromSeconds(30), $"signal {id} to be recorded");

    /// <summary>Reads a topic from the beginning until <paramref name="match"/> has been seen, or fails at the deadline.</summary>
    public ConsumeResult<string, byte[]> ConsumeUntil(string topic, Func<ConsumeResult<string, byte[]>, bool> match, TimeSpan timeout)
    {
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

/// <summary>
/// The whole product in this test process on <see cref="DemandInfrastructure"/>: the three services composed as in
/// embedded mode, listening on a free loopback port.
/// </summary>
public class DemandTestHost : DemandInfrastructure
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public string ApiKey { get; } = "test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public HttpClient Http { get; } = new();

    public IServiceProvider Services => _app!.Services;

    /// <summary>Extra settings a test class needs; applied over the defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    /// <summary>The services composed in the test process; a test class may run one alone against stand-ins for the others.</summary>
    protected virtual IReadOnlySet<string> ComposedServices => HostCommandLine.AllServices;

    /// <summary>Extra registrations (a capturing logger, say) before the host is built.</summary>
    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
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
        foreach (var (k, v) in MockCluster.ClientConfiguration.Concat(ExtraSettings))
        {
            settings[k] = v;
        }

        var options = new HostCommandLine(Embedded: true, Simulator: false, ComposedServices, Root, []);
        _app = DemandApp.Build(options, settings, Configure);
        await _app.StartAsync();
        BaseUrl = DemandApp.BaseUrl(_app);
        Http.BaseAddress = new Uri(BaseUrl);
        await Wait.UntilAsync(async () => (await Http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode, ReadyTimeout, "the host to become ready");
    }

    public override async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Http.Dispose();
        await base.DisposeAsync();
    }

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
}

