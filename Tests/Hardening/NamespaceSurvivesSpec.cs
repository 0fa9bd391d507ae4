using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>No argument of one process stops its namespace or the runtime; init is shielded as on Linux.</summary>
public sealed class NamespaceSurvivesSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    private static readonly DateTimeOffset Start = new(2019, 8, 13, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_100_day_sleep_in_a_grandchild_ends_after_100_days_of_clock_time()
    {
        var time = new ManualTimeProvider(Start);
        await using var runtime = ForkRuntime.Create(new ForkRuntimeOptions { Time = time });
        var woke = DateTimeOffset.MinValue;
        var run = runtime.RunAsync(async libc =>
        {
            var child = await libc.ForkAsync(async c =>
            {
                var grandchild = await c.ForkAsync(async g =>
                {
                    await g.SleepAsync(TimeSpan.FromDays(100));
                    woke = await g.GetTimeAsync();
                    return 7;
                });
                return (await c.Wait4Async(grandchild)).Status.ExitCode;
            });
            return (await libc.Wait4Async(child)).Status.ExitCode;
        });

        // Move the clock ten days at a time, each time while a timer is armed, until the namespace ends.
        while (!run.IsCompleted)
        {
            var armed = time.TimerPending();
            if (await Task.WhenAny(run, armed).WaitAsync(Bound) == run) break;
            time.Advance(TimeSpan.FromDays(10));
        }

        Assert.Equal(WaitStatus.FromExit(7), await run.WaitAsync(Bound));
        Assert.InRange(woke, Start + TimeSpan.FromDays(100), Start + TimeSpan.FromDays(110));
    }

    [Fact]
    public async Task A_sleep_of_TimeSpan_MaxValue_sleeps_until_the_run_is_cancelled()
    {
        var time = new ManualTimeProvider(Start);
        await using var runtime = ForkRuntime.Create(new ForkRuntimeOptions { Time = time });
        using var cancel = new CancellationTokenSource();
        var run = runtime.RunAsync(async libc =>
        {
            await libc.SleepAsync(TimeSpan.MaxValue);
            return 0;
        }, null, cancel.Token);

        await time.TimerPending().WaitAsync(Bound);
        time.Advance(TimeSpan.FromDays(365 * 1000));
        await time.TimerPending().WaitAsync(Bound);
        Assert.False(run.IsCompleted);
        await cancel.CancelAsync();

        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, false), await run.WaitAsync(Bound));
    }

    [Theory]
    [InlineData(Signal.SIGKILL)]
    [InlineData(Signal.SIGTERM)]
    [InlineData(Signal.SIGSTOP)]
    [InlineData(Signal.SIGINT)]
    public async Task Init_ignores_a_signal_it_has_no_handler_for_from_inside_its_namespace(Signal signal)
    {
        var status = await Run(async libc =>
        {
            var child = await libc.ForkAsync(async c =>
            {
                await c.KillAsync(1, signal);
                return 3;
            });
            await libc.KillAsync(1, signal);
            var result = await libc.Wait4Async(child);
            return result.Status.ExitCode == 3 ? 0 : 1;
        });

        Assert.Equal(WaitStatus.FromExit(0), status);
    }

    [Fact]
    public async Task Init_runs_its_handler_for_a_signal_a_child_sends()
    {
        var status = await Run(async libc =>
        {
            var caught = 0;
            libc.SetSignalHandler(Signal.SIGUSR1, _ => caught++);
            var (read, write) = await libc.PipeAsync();
            var child = await libc.ForkAsync(async c =>
            {
                await c.KillAsync(1, Signal.SIGUSR1);
                await c.Release(write);
                return 0;
            });
            await libc.Await(read);
            await libc.Wait4Async(child);
            return caught == 1 ? 0 : 1;
        });

        Assert.Equal(WaitStatus.FromExit(0), status);
    }

    [Fact]
    public async Task RunAsync_on_a_disposed_runtime_throws_ObjectDisposedException()
    {
        var runtime = ForkRuntime.Create();
        await runtime.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => { _ = runtime.RunAsync(_ => Task.FromResult(0)); });
    }

    [Fact]
    public async Task An_exception_from_an_async_void_method_ends_the_process_by_SIGABRT()
    {
        var status = await Run(async libc =>
        {
            var child = await libc.ForkAsync(async c =>
            {
                var (read, _) = await c.PipeAsync();
                Explode();
                await c.ReadAsync(read, new byte[1]);
                return 0;
            });
            var result = await libc.Wait4Async(child);
            return result.Status == WaitStatus.FromSignal(Signal.SIGABRT, coreDumped: true) ? 0 : 1;
        });

        Assert.Equal(WaitStatus.FromExit(0), status);
    }

    [Fact]
    public async Task A_fault_in_the_core_fails_the_call_with_EIO_and_the_namespace_goes_on()
    {
        await using var runtime = ForkRuntime.Create(new ForkRuntimeOptions { Time = new BrokenTimer() });
        Errno? sleep = null;
        var status = await runtime.RunAsync(async libc =>
        {
            var child = await libc.ForkAsync(async c =>
            {
                sleep = await PosixHelpers.ErrnoOf(() => c.SleepAsync(TimeSpan.FromSeconds(1)));
                return 4;
            });
            return (await libc.Wait4Async(child)).Status.ExitCode;
        }).WaitAsync(Bound);

        Assert.Equal(Errno.EIO, sleep);
        Assert.Equal(WaitStatus.FromExit(4), status);
    }

    /// <summary>A clock whose timers cannot be armed: the core faults while serving a sleep.</summary>
    private sealed class BrokenTimer : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            throw new InvalidOperationException("no timer today");
    }

    private static async void Explode()
    {
        await Task.Yield();
        throw new InvalidOperationException("thrown where nobody awaits");
    }
}
