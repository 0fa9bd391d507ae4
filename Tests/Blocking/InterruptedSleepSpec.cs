using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;
using static Fork.Tests.Blocking.Blocking;

namespace Fork.Tests.Blocking;

/// <summary>
/// nanosleep(2) and signal(7): a caught signal ends a sleep early with EINTR, whatever SA_RESTART says. The clock is
/// manual and never moves, so the one-hour sleep could only end by the signal.
/// </summary>
public sealed class InterruptedSleepSpec : RuntimeSpec
{
    private static readonly DateTimeOffset Start = new(2019, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualTimeProvider _time;

    public InterruptedSleepSpec(ITestOutputHelper output)
        : this(output, new ManualTimeProvider(Start))
    {
    }

    private InterruptedSleepSpec(ITestOutputHelper output, ManualTimeProvider time)
        : base(output, new ForkRuntimeOptions { Time = time }) => _time = time;

    // nanosleep(2): "interrupted by a signal handler ... EINTR", never restarted (signal(7) lists it among the calls
    // SA_RESTART does not restart)
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_caught_signal_ends_a_one_hour_sleep_early_with_EINTR_after_its_handler(bool restart)
    {
        var journal = new Journal();
        var armed = false;
        var child = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var sleeper = await libc.ForkAsync(async c =>
            {
                var program = SynchronizationContext.Current;
                var returned = false;
                c.SetSignalHandler(Signal.SIGUSR1, _ => journal.Handler(HandlerEntry("sleep", returned, program)), restart);
                try
                {
                    await c.SleepAsync(TimeSpan.FromHours(1));
                    returned = true;
                    journal.End("sleep returned");
                }
                catch (PosixException e)
                {
                    returned = true;
                    journal.End($"sleep failed with {e.Errno}");
                }

                return 0;
            });
            // The sleep is parked once its timer is armed.
            armed = await _time.TimerPending().Within(Bound);
            await libc.KillAsync(sleeper, Signal.SIGUSR1);
            if (await journal.Handled.Within(Patience)) await journal.Ended.Within(Patience);
            // A sleep the signal did not end would last for ever on this clock.
            if (!journal.Ended.IsCompleted) await libc.KillAsync(sleeper, Signal.SIGKILL);
            child = (await libc.Wait4Async(sleeper)).Status;
            return 0;
        });
        Assert.True(armed, "the sleep never armed a timer");
        Assert.Equal(["handler ran before the sleep returned", "sleep failed with EINTR"], journal.Entries);
        Assert.Equal(WaitStatus.FromExit(0), child);
        Assert.Equal(Start, _time.GetUtcNow());
    }
}
