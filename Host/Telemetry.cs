using System.Diagnostics;
using Fork.Actors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fork.Host;

/// <summary>
/// OpenTelemetry for the host: the runtime's activities (fork, exec, wait4, kill, under the source <c>Fork.Actors</c>) and
/// metrics (the meter <c>Fork.Actors</c>), exported as <c>Fork:Telemetry</c> says: <c>off</c> (the default: nothing is
/// added), <c>console</c> (the SDK's console exporter) or <c>otlp</c> (the OTLP exporter, to <c>Fork:Telemetry:Endpoint</c>
/// or the standard <c>OTEL_EXPORTER_OTLP_*</c> settings). An endpoint configured without a mode means <c>otlp</c>.
/// </summary>
internal static class Telemetry
{
    public const string Key = ForkHostOptions.Section + ":Telemetry";
    public const string EndpointKey = Key + ":Endpoint";
    private const string StandardEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The host's own source: one activity per run, the parent of init's activities, so a run is one trace.</summary>
    public static readonly ActivitySource Source = new("Fork.Host");

    /// <summary>Each problem of the telemetry settings as one sentence naming its key (none when they are fine).</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();
        if (Mode(configuration) is null)
            problems.Add($"{Key} must be off, console or otlp (was \"{configuration[Key]}\").");
        if (configuration[EndpointKey] is { Length: > 0 } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
            problems.Add($"{EndpointKey} must be an absolute URI such as http://localhost:4317 (was \"{endpoint}\").");
        return problems;
    }

    /// <summary>Adds the exporters <c>Fork:Telemetry</c> asks for; the providers flush when the host is disposed.</summary>
    public static IHostApplicationBuilder AddForkTelemetry(this IHostApplicationBuilder builder)
    {
        var mode = Mode(builder.Configuration);
        if (mode is null or "off") return builder;

        var endpoint = builder.Configuration[EndpointKey] is { Length: > 0 } configured ? new Uri(configured) : null;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("fork-host"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(ForkActivities.SourceName, Source.Name);
                if (mode == "console") tracing.AddConsoleExporter();
                else tracing.AddOtlpExporter(otlp => Aim(otlp, endpoint));
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ForkMetrics.Meter.Name);
                if (mode == "console") metrics.AddConsoleExporter();
                else metrics.AddOtlpExporter(otlp => Aim(otlp, endpoint));
            });
        return builder;
    }

    /// <summary><c>off</c>, <c>console</c> or <c>otlp</c>; null for a value that is none of them.</summary>
    private static string? Mode(IConfiguration configuration)
    {
        var value = configuration[Key]?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(value))
        {
            var endpointSet = !string.IsNullOrEmpty(configuration[EndpointKey]) || !string.IsNullOrEmpty(configuration[StandardEndpointKey])
                || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(StandardEndpointKey));
            return endpointSet ? "otlp" : "off";
        }

        return value is "off" or "console" or "otlp" ? value : null;
    }

    /// <summary>Fork:Telemetry:Endpoint, if set, wins over the standard variables the exporter reads by itself.</summary>
    private static void Aim(OtlpExporterOptions otlp, Uri? endpoint)
    {
        if (endpoint is not null) otlp.Endpoint = endpoint;
    }
}
