using Akka.Actor;
using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fork.Host;

/// <summary>Runs the configured program as init, then stops the host with init's exit code.</summary>
internal sealed partial class InitService(
    ForkRuntime runtime,
    IOptions<ForkHostOptions> options,
    IHostApplicationLifetime lifetime,
    ExitCode exitCode,
    ILogger<InitService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var program = options.Value;
        Started(logger, program.Program, string.Join(' ', program.Args));
        // One trace per run: init's activities are children of this one (none is made unless telemetry is on).
        using var run = Telemetry.Source.StartActivity($"run {program.Program}");
        WaitStatus status;
        try
        {
            status = await runtime.RunAsync(program.Program, program.ToProcessOptions(), stoppingToken);
        }
        catch (Exception e) when (stoppingToken.IsCancellationRequested || CoordinatedShutdown.Get(runtime.System).ShutdownReason is not null)
        {
            // The host was told to stop (SIGTERM, Ctrl-C) while init ran: the actor system may end (Akka shuts down on the
            // same signal) before init's kill is reported. The host exits as a shell reports a process ended by SIGTERM,
            // and says so in one line.
            exitCode.Value = 128 + (int)Signal.SIGTERM;
            Stopped(logger, program.Program, e.Message, exitCode.Value);
            return;
        }

        run?.SetTag("fork.program", program.Program).SetTag("fork.wait.status", status.ToString());
        exitCode.Value = ExitCode.Of(status);
        Ended(logger, program.Program, status.ToString(), exitCode.Value);
        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "running {Program} as init (argv: {Args})")]
    private static partial void Started(ILogger logger, string program, string args);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the host was stopped while init ({Program}) ran ({Reason}): host exits with {ExitCode}")]
    private static partial void Stopped(ILogger logger, string program, string reason, int exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "init ({Program}) {Status}: host exits with {ExitCode}")]
    private static partial void Ended(ILogger logger, string program, string status, int exitCode);
}

/// <summary>The host's exit code: init's exit code, or 128 + the signal that killed it (as a shell reports it).</summary>
internal sealed class ExitCode
{
    public int Value { get; set; } = 1;

    public static int Of(WaitStatus status) => status.Exited ? status.ExitCode : 128 + (int)status.TermSignal;
}
