using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DemandCenter.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Traces and metrics over OTLP when an endpoint is configured (Demand:Telemetry:OtlpEndpoint or OTEL_EXPORTER_OTLP_ENDPOINT).
    /// The providers are built by hand because the OpenTelemetry hosting package is unavailable here (README, Dependencies).
    /// </summary>
    public static IServiceCollection AddDemandTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var endpoint = configuration["Demand:Telemetry:OtlpEndpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrEmpty(endpoint))
        {
            return services;
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService>(new TelemetryProviders(serviceName, new Uri(endpoint))));
        return services;
    }

    private sealed class TelemetryProviders(string serviceName, Uri endpoint) : IHostedService, IDisposable
    {
        private TracerProvider? _tracer;
        private MeterProvider? _meter;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            var resource = ResourceBuilder.CreateDefault().AddService(serviceName);
            _tracer = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(resource)
                .AddSource(DemandTelemetry.Name, "Microsoft.AspNetCore", "Npgsql")
                .AddOtlpExporter(o => { o.Endpoint = endpoint; o.Protocol = OtlpExportProtocol.Grpc; })
                .Build();
            _meter = Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(resource)
                .AddMeter(DemandTelemetry.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections", "Npgsql")
                .AddOtlpExporter(o => { o.Endpoint = endpoint; o.Protocol = OtlpExportProtocol.Grpc; })
                .Build();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Dispose();
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            _tracer?.Dispose();
            _meter?.Dispose();
            _tracer = null;
            _meter = null;
        }
    }
}
