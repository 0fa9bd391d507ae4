using Akka.Actor;
using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fork.Host;

/// <summary>
/// Runs the configured program as init, then stops the host with init's exit code. A cluster node first waits (up to
/// <see cref="ForkClusterOptions.JoinTimeout"/>) to be Up, so init's forks find the other fork hosts. When the host is
/// told to stop (SIGTERM, Ctrl-C) init gets SIGTERM, as a service manager sends it, and SIGKILL if it is still running
/// <see cref="StopGrace"/> later.
/// </summary>
internal sealed partial class InitService(
    ForkRuntime runtime,
    IOptions<ForkHostOptions> options,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    ExitCode exitCode,
    ILogger<InitService> logger) : BackgroundService
{
    /// <summary>How long init has to end after its SIGTERM (well inside the host's own shutdown timeout, 30 s).</summary>
    internal static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var program = options.Value;
        if (ForkClusterOptions.From(configuration.GetSection(ForkHostOptions.Section)) is { } cluster && !await JoinedCluster(cluster, stoppingToken))
            return;

        Started(logger, program.Program, string.Join(' ', program.Args));
        // One trace per run: init's activities are children of this one (none is made unless telemetry is on).
        using var run = Telemetry.Source.StartActivity($"run {program.Program}");
        using var kill = new CancellationTokenSource();
        WaitStatus status;
        try
        {
            await using var stopping = stoppingToken.Register(() =>
            {
                Terminating(logger, program.Program, StopGrace.TotalSeconds);
                kill.CancelAfter(StopGrace);
            });
            status = await runtime.RunAsync(program.Program, program.ToProcessOptions(), stoppingToken, kill.Token);
        }
        catch (Exception e) when (stoppingToken.IsCancellationRequested || CoordinatedShutdown.Get(runtime.System).ShutdownReason is not null)
        {
            // The actor system ended (Akka shuts down on the same signal) before init's end was reported. The host exits as
            // a shell reports a process ended by SIGTERM, and says so in one line.
            exitCode.Value = 128 + (int)Signal.SIGTERM;
            Stopped(logger, program.Program, e.Message, exitCode.Value);
            return;
        }

        run?.SetTag("fork.program", program.Program).SetTag("fork.wait.status", status.ToString());
        exitCode.Value = ExitCode.Of(status);
        Ended(logger, program.Program, status.ToString(), exitCode.Value);
        lifetime.StopApplication();
    }

    /// <summary>
    /// Waits for this node to be Up, at most <see cref="ForkClusterOptions.JoinTimeout"/>: false when the host was told to
    /// stop meanwhile (then init never runs); on time-out one warning, and init runs anyway.
    /// </summary>
    private async Task<bool> JoinedCluster(ForkClusterOptions cluster, CancellationToken stoppingToken)
    {
        var node = Akka.Cluster.Cluster.Get(runtime.System);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Akka runs the callback at once when the node is Up already.
        node.RegisterOnMemberUp(() => up.TrySetResult());
        try
        {
            await up.Task.WaitAsync(cluster.JoinTimeout, stoppingToken);
            JoinedUp(logger, node.SelfAddress.ToString());
        }
        catch (TimeoutException)
        {
            NotUp(logger, node.SelfAddress.ToString(), cluster.JoinTimeout.TotalSeconds,
                cluster.SeedNodes.Count == 0 ? "itself" : string.Join(", ", cluster.SeedNodes));
        }
        catch (OperationCanceledException)
        {
            exitCode.Value = 128 + (int)Signal.SIGTERM;
            StoppedBeforeInit(logger, node.SelfAddress.ToString(), exitCode.Value);
            return false;
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "running {Program} as init (argv: {Args})")]
    private static partial void Started(ILogger logger, string program, string args);

    [LoggerMessage(Level = LogLevel.Information, Message = "this node ({Node}) is Up in its cluster")]
    private static partial void JoinedUp(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "this node ({Node}) is not Up in its cluster after {Seconds} s (seed nodes: {Seeds}): running init anyway")]
    private static partial void NotUp(ILogger logger, string node, double seconds, string seeds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the host was stopped while this node ({Node}) joined its cluster, before init ran: host exits with {ExitCode}")]
    private static partial void StoppedBeforeInit(ILogger logger, string node, int exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "the host is stopping: init ({Program}) gets SIGTERM, and SIGKILL if it still runs {Seconds} s later")]
    private static partial void Terminating(ILogger logger, string program, double seconds);

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
