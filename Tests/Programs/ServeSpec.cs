using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Fork.Tests;

/// <summary>
/// <c>serve</c> and how a host stops init: SIGTERM from outside the namespace first (which serve catches, ending with 0),
/// SIGKILL when asked after that.
/// </summary>
public sealed class ServeSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Serve_runs_until_SIGTERM_then_says_so_and_exits_0()
    {
        await using var runtime = ForkRuntime.Create();
        var log = new RecordingLoggerProvider();
        ForkTracing.Use(runtime.System, LoggerFactory.Create(b => b.AddProvider(log)));
        using var terminate = new CancellationTokenSource();

        var run = runtime.RunAsync("serve", null, terminate.Token, CancellationToken.None);
        await Until(() => log.Lines.Any(l => l.Contains("until SIGTERM or SIGINT", StringComparison.Ordinal)));
        Assert.False(run.IsCompleted);
        terminate.Cancel();

        Assert.Equal(WaitStatus.FromExit(0), await run.WaitAsync(Bound));
        Assert.Equal(
            ["[init] serve: akka://fork runs the forks other nodes place here, until SIGTERM or SIGINT", "[init] serve: SIGTERM: akka://fork stops serving"],
            log.Lines);
    }

    // A program without a handler ends by SIGTERM's default action; one that ignores it ends by the SIGKILL that follows.
    [Fact]
    public async Task A_host_stops_init_with_SIGTERM_and_one_that_ignores_it_with_SIGKILL()
    {
        await using var runtime = ForkRuntime.Create();
        runtime.Programs.Register("stubborn", async libc =>
        {
            libc.SetSignalHandler(Signal.SIGTERM, Libc.Ignore);
            await libc.SleepAsync(TimeSpan.FromMinutes(10));
            return 0;
        });
        using var terminate = new CancellationTokenSource();
        using var kill = new CancellationTokenSource();

        var sleeper = runtime.RunAsync("sleep", new ProcessOptions().WithArgs("sleep", "600"), terminate.Token, kill.Token);
        var stubborn = runtime.RunAsync("stubborn", null, terminate.Token, kill.Token);
        await Until(() => runtime.Processes().Count == 2);
        terminate.Cancel();

        Assert.Equal(WaitStatus.FromSignal(Signal.SIGTERM, false), await sleeper.WaitAsync(Bound));
        Assert.False(stubborn.IsCompleted);
        kill.Cancel();
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, false), await stubborn.WaitAsync(Bound));
    }

    private static async Task Until(Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (!condition()) await Task.Delay(10, bound.Token);
    }
}
