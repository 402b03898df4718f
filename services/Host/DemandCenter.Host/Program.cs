using DemandCenter.Host.Composition;
using DemandCenter.Host.Embedded;

// ./demand run: the embedded default starts a private PostgreSQL and an in-process Kafka-protocol broker first;
// with Demand:Embedded=false the same services run against the configured Kafka and PostgreSQL.
var options = HostCommandLine.Parse(args);
await using var runtime = options.Embedded ? await EmbeddedRuntime.StartAsync(options, Console.Out) : null;
await using var app = DemandApp.Build(options, runtime?.Settings ?? new Dictionary<string, string?>());
await app.StartAsync();
var url = DemandApp.BaseUrl(app);
runtime?.WriteUrl(url);
Console.WriteLine($"[demand] ready: {url}  (services: {string.Join(", ", options.Services)}; simulator: {(options.Simulator ? "on" : "off")})");
Console.WriteLine($"[demand]   seller inbox:  {url}/");
Console.WriteLine($"[demand]   account API:   {url}/api/v1/accounts/acme.com  (Bearer token from POST {url}/api/v1/dev/token)");
if (runtime is not null)
{
    Console.WriteLine($"[demand]   Kafka:         {runtime.BootstrapServers}  (kcat -b $(cat .demand/kafka.bootstrap) -L)");
    Console.WriteLine($"[demand]   publisher key: .demand/secrets/api-key  (POST {url}/api/v1/signals)");
}

Console.WriteLine("[demand] Ctrl-C stops everything.");
await app.WaitForShutdownAsync();
