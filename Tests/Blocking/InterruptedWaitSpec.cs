using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;
using static Fork.Tests.Blocking.Blocking;

namespace Fork.Tests.Blocking;

/// <summary>
/// signal(7) for wait4 parked on a child that has nothing to report: a caught signal runs its handler at once while
/// the wait stays blocked; with SA_RESTART the wait goes on and reaps the child when it exits, without it the wait
/// returns -1 / EINTR and the child stays collectable. The child only exits after the handler was seen to run.
/// </summary>
public sealed class InterruptedWaitSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    private const string Blocked = "handler ran before the wait4 returned";

    // The parent's entry: the grandchild exits only now, after the handler was seen (or plainly was not) to run.
    private const string Exits = "the parent lets the grandchild exit";

    // signal(7): wait4 restarts under SA_RESTART
    [Fact]
    public async Task With_SA_RESTART_the_handler_runs_while_wait4_is_blocked_and_the_wait_then_reaps_the_child()
    {
        var journal = new Journal();
        var child = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var (gate, gateOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            var waiter = await libc.ForkAsync(BlockedWaiter(gate, readyOpen, journal, restart: true));
            await libc.Await(ready);
            await libc.KillAsync(waiter, Signal.SIGUSR1);
            await journal.Handled.Within(Patience);
            journal.Add(Exits);
            await libc.Release(gateOpen);
            child = (await libc.Wait4Async(waiter)).Status;
            return 0;
        });
        Assert.Equal([Blocked, Exits, "wait4 reaped the child: exited(5)"], journal.Entries);
        Assert.Equal(WaitStatus.FromExit(0), child);
    }

    // signal(7): without SA_RESTART wait4 fails with EINTR (Pid -1, Error EINTR); the child can be reaped later
    [Fact]
    public async Task Without_SA_RESTART_the_blocked_wait4_returns_EINTR_after_the_handler_and_the_child_stays_collectable()
    {
        var journal = new Journal();
        var child = default(WaitStatus);
        await RunToSuccess(async libc =>
        {
            var (gate, gateOpen) = await libc.PipeAsync();
            var (ready, readyOpen) = await libc.PipeAsync();
            var waiter = await libc.ForkAsync(BlockedWaiter(gate, readyOpen, journal, restart: false));
            await libc.Await(ready);
            await libc.KillAsync(waiter, Signal.SIGUSR1);
            if (await journal.Handled.Within(Patience)) await journal.Ended.Within(Patience);
            journal.Add(Exits);
            await libc.Release(gateOpen);
            child = (await libc.Wait4Async(waiter)).Status;
            return 0;
        });
        Assert.Equal([Blocked, "wait4 returned -1 with EINTR", Exits, "wait4 again reaped the child: exited(5)"], journal.Entries);
        Assert.Equal(WaitStatus.FromExit(0), child);
    }

    /// <summary>
    /// A child that forks a grandchild (exit 5 once <paramref name="gate"/> has a byte), catches SIGUSR1, parks a wait4
    /// for it, says so on <paramref name="readyOpen"/>, and journals its handler and how the wait ended; after an
    /// EINTR it waits again.
    /// </summary>
    private static ProcessMain BlockedWaiter(int gate, int readyOpen, Journal journal, bool restart) => async c =>
    {
        var grandchild = await c.ForkAsync(async g =>
        {
            await g.Await(gate);
            return 5;
        });
        var program = SynchronizationContext.Current;
        var returned = false;
        c.SetSignalHandler(Signal.SIGUSR1, _ => journal.Handler(HandlerEntry("wait4", returned, program)), restart);
        // The wait goes out first, then the ready byte: once the parent has the byte, the wait is parked.
        var waiting = c.Wait4Async(grandchild);
        await c.Release(readyOpen);
        var waited = await waiting;
        returned = true;
        journal.End(Described("wait4", waited, grandchild));
        if (waited.Pid == -1 && waited.Error == Errno.EINTR) journal.Add(Described("wait4 again", await c.Wait4Async(grandchild), grandchild));
        return 0;
    };

    private static string Described(string call, WaitResult waited, int child) => waited.Pid == child
        ? $"{call} reaped the child: {waited.Status}"
        : $"{call} returned {waited.Pid} with {waited.Error}";
}
