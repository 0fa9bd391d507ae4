using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Fork.Tests;

/// <summary>The services at the root of a namespace, reached by children through their parents' ParentServices.</summary>
public sealed class CoreServicesSpec
{
    private static readonly DateTimeOffset Start = new(2019, 8, 13, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Log_lines_carry_the_full_label_of_the_process_in_the_tree()
    {
        var lines = new RecordingLoggerProvider();
        await using var runtime = ForkRuntime.Create();
        ForkTracing.Use(runtime.System, LoggerFactory.Create(b => b.AddProvider(lines)));
        var status = await runtime.RunAsync(async libc =>
        {
            libc.Log("from init");
            var child = await libc.ForkAsync(async c =>
            {
                var grandchild = await c.ForkAsync(g =>
                {
                    g.Log("from the grandchild");
                    return Task.FromResult(0);
                });
                return (await c.Wait4Async(grandchild)).Status.ExitCode;
            });
            return (await libc.Wait4Async(child)).Status.ExitCode;
        }).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(WaitStatus.FromExit(0), status);
        Assert.Contains("[init] from init", lines.Lines);
        Assert.Contains("[init -> 2 -> 3] from the grandchild", lines.Lines);
    }

    [Fact]
    public async Task Rtc_reads_the_namespaces_clock_in_a_child()
    {
        var time = new ManualTimeProvider(Start);
        await using var runtime = ForkRuntime.Create(new ForkRuntimeOptions { Time = time });
        DateTimeOffset seen = default;
        var status = await runtime.RunAsync(async libc =>
        {
            var child = await libc.ForkAsync(async c =>
            {
                seen = await c.GetTimeAsync();
                return 0;
            });
            return (await libc.Wait4Async(child)).Status.ExitCode;
        }).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(WaitStatus.FromExit(0), status);
        Assert.Equal(Start, seen);
    }

    [Fact]
    public async Task A_sleep_on_the_timer_ends_when_the_clock_passes_its_deadline()
    {
        var time = new ManualTimeProvider(Start);
        await using var runtime = ForkRuntime.Create(new ForkRuntimeOptions { Time = time });
        var run = runtime.RunAsync(async libc =>
        {
            var child = await libc.ForkAsync(async c =>
            {
                await c.SleepAsync(TimeSpan.FromHours(1));
                return 9;
            });
            return (await libc.Wait4Async(child)).Status.ExitCode;
        });

        await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(20));
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(WaitStatus.FromExit(9), await run.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_negative_sleep_is_EINVAL_and_the_program_goes_on()
    {
        await using var runtime = ForkRuntime.Create();
        PosixException? denied = null;
        var status = await runtime.RunAsync(async libc =>
        {
            var child = await libc.ForkAsync(async c =>
            {
                try
                {
                    await c.SleepAsync(TimeSpan.FromSeconds(-1));
                }
                catch (PosixException e)
                {
                    denied = e;
                }

                return 0;
            });
            return (await libc.Wait4Async(child)).Status.ExitCode;
        }).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(WaitStatus.FromExit(0), status);
        Assert.Equal(Errno.EINVAL, denied?.Errno);
    }
}
