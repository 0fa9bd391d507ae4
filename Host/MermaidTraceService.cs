using Akka.Actor;
using Fork.Actors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fork.Host;

/// <summary>
/// Records the trace from before init starts and, when the host stops, writes it as a Mermaid sequence diagram
/// (<see cref="MermaidTraceOptions"/>). Registered before the service that runs init, so it sees the first message.
/// </summary>
internal sealed partial class MermaidTraceService(ActorSystem system, MermaidTraceOptions options, ILogger<MermaidTraceService> logger) : IHostedService
{
    private TraceRecorder? _recorder;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _recorder = ForkTracing.For(system).StartRecording();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_recorder is not { } recorder) return;
        recorder.Dispose();
        var records = recorder.Records;
        if (options.Render(records) is not { } text)
        {
            NothingToDraw(logger, options.Path!);
            return;
        }

        await File.WriteAllTextAsync(options.Path!, text, cancellationToken);
        Written(logger, options.Scope == MermaidScope.Run ? "the run" : "the first fork", options.Path!);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "wrote {Scope} as a Mermaid sequence diagram to {Path}")]
    private static partial void Written(ILogger logger, string scope, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "no fork happened in this run: no Mermaid diagram written to {Path}")]
    private static partial void NothingToDraw(ILogger logger, string path);
}
