using Fork.Actors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Fork.Host;

/// <summary>
/// <c>--Fork:Tree</c>: the process tree of init's namespace on standard output. <c>live</c> in a terminal redraws the
/// live processes in place every <see cref="ForkHostOptions.TreeRefresh"/> from the moment the host starts, and when
/// the host stops (init's namespace has ended) leaves the final tree in its place; <c>final</c>, or <c>live</c> with
/// standard output redirected, prints the final tree once when the host stops (plain text when redirected). The final
/// tree is the runtime's history: every process that lived, with how it ended.
/// </summary>
/// <remarks>
/// Registered before <see cref="InitService"/>: hosted services stop in reverse order, so this one stops after init's
/// run has completed, also when the host is stopped early (Ctrl+C kills init first). A failure to draw is logged and
/// never changes the host's exit code, which stays init's.
/// </remarks>
internal sealed partial class ProcessTreeService(
    ForkRuntime runtime,
    IOptions<ForkHostOptions> options,
    TimeProvider time,
    ILogger<ProcessTreeService> logger) : IHostedService
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _live;

    /// <summary>Whether standard output is a terminal the tree can be redrawn in.</summary>
    internal static bool InTerminal => !Console.IsOutputRedirected;

    private bool Live => options.Value.Tree == "live" && InTerminal;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Live) _live = Task.Run(() => DrawLive(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stop.CancelAsync();
            if (_live is not null) await _live.WaitAsync(cancellationToken);
            else if (options.Value.ShowsTree) PrintFinal();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            DrawFailed(logger, e);
        }
    }

    private void PrintFinal()
    {
        var history = runtime.History();
        if (InTerminal) AnsiConsole.Write(ProcessTreeView.Render(history));
        else
        {
            // One write: the console log's lines (also on standard output) land before or after the tree, never inside it.
            Console.Out.Write(ProcessTree.Format(history));
            Console.Out.Flush();
        }
    }

    private Task DrawLive(CancellationToken stop) =>
        AnsiConsole.Live(ProcessTreeView.Render([]))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var live = runtime.Processes();
                    // Between the namespace's end and the host's stop nothing lives: show what did.
                    context.UpdateTarget(ProcessTreeView.Render(live.Count > 0 ? live : runtime.History()));
                    context.Refresh();
                    try
                    {
                        await Task.Delay(options.Value.TreeRefresh, time, stop);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                context.UpdateTarget(ProcessTreeView.Render(runtime.History()));
                context.Refresh();
            });

    [LoggerMessage(Level = LogLevel.Warning, Message = "the process tree could not be drawn")]
    private static partial void DrawFailed(ILogger logger, Exception exception);
}

internal static class ProcessTreeHosting
{
    /// <summary>
    /// The process tree of <c>--Fork:Tree</c>, to be added before <see cref="InitService"/>. With <c>live</c> in a
    /// terminal the console log is held to warnings and errors, so that it does not tear the redrawn tree.
    /// </summary>
    public static HostApplicationBuilder AddProcessTree(this HostApplicationBuilder builder)
    {
        var tree = builder.Configuration.GetSection(ForkHostOptions.Section).Get<ForkHostOptions>()?.Tree;
        if (tree == "live" && ProcessTreeService.InTerminal) builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ProcessTreeService>();
        return builder;
    }
}
