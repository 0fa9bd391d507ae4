using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// kill and signals at the libc level: the kill selectors and errors, default actions, handlers, SIGCHLD,
/// what a kill does at once (zombie, token, abandoned calls, closed descriptors), and stop and continue.
/// </summary>
public sealed class KillSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    // LTP kill11 and waitpid01 (the signals without a core dump); Open POSIX conformance/interfaces/kill/1-2.c
    [Theory]
    [InlineData(Signal.SIGHUP)]
    [InlineData(Signal.SIGINT)]
    [InlineData(Signal.SIGKILL)]
    [InlineData(Signal.SIGUSR1)]
    [InlineData(Signal.SIGUSR2)]
    [InlineData(Signal.SIGPIPE)]
    [InlineData(Signal.SIGALRM)]
    [InlineData(Signal.SIGTERM)]
    [InlineData(Signal.SIGSTKFLT)]
    [InlineData(Signal.SIGVTALRM)]
    [InlineData(Signal.SIGPROF)]
    [InlineData(Signal.SIGIO)]
    [InlineData(Signal.SIGPWR)]
    public Task Default_action_terminates_without_core(Signal signal) => RunToSuccess(async libc =>
    {
        var (child, _) = await libc.ForkGated(0);
        await libc.KillAsync(child, signal);
        var status = (await libc.Wait4Async(child)).Status;
        Assert.True(status.Signaled, $"{status}");
        Assert.Equal(signal, status.TermSignal);
        Assert.False(status.CoreDumped);
        Assert.Equal((int)signal, status.Raw);
        return 0;
    });

    // LTP kill11 and waitpid01 (the signals that dump core)
    [Theory]
    [InlineData(Signal.SIGQUIT)]
    [InlineData(Signal.SIGILL)]
    [InlineData(Signal.SIGTRAP)]
    [InlineData(Signal.SIGABRT)]
    [InlineData(Signal.SIGBUS)]
    [InlineData(Signal.SIGFPE)]
    [InlineData(Signal.SIGSEGV)]
    [InlineData(Signal.SIGSYS)]
    [InlineData(Signal.SIGXCPU)]
    [InlineData(Signal.SIGXFSZ)]
    public Task Default_action_terminates_with_the_core_flag(Signal signal) => RunToSuccess(async libc =>
    {
        var (child, _) = await libc.ForkGated(0);
        await libc.KillAsync(child, signal);
        var status = (await libc.Wait4Async(child)).Status;
        Assert.True(status.Signaled, $"{status}");
        Assert.Equal(signal, status.TermSignal);
        Assert.True(status.CoreDumped);
        Assert.Equal((int)signal | 0x80, status.Raw);
        return 0;
    });

    // POSIX signal.h: SIGCHLD, SIGURG, SIGWINCH are ignored by default, and so is SIGCONT for a running process
    [Theory]
    [InlineData(Signal.SIGCHLD)]
    [InlineData(Signal.SIGURG)]
    [InlineData(Signal.SIGWINCH)]
    [InlineData(Signal.SIGCONT)]
    public Task Default_action_ignores(Signal signal) => RunToSuccess(async libc =>
    {
        var (gate, open) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            await c.Await(gate);
            await c.GetPpidAsync();
            return 7;
        });
        await libc.KillAsync(child, signal);
        await libc.Release(open);
        Assert.Equal(WaitStatus.FromExit(7), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    // LTP waitpid08/waitpid13 with kill: the stop signals stop, observed with WUNTRACED; SIGCONT continues
    [Theory]
    [InlineData(Signal.SIGSTOP)]
    [InlineData(Signal.SIGTSTP)]
    [InlineData(Signal.SIGTTIN)]
    [InlineData(Signal.SIGTTOU)]
    public Task Default_action_stops_and_SIGCONT_continues(Signal signal) => RunToSuccess(async libc =>
    {
        var (child, open) = await libc.ForkGated(3);
        await libc.KillAsync(child, signal);
        var stopped = await libc.Wait4Async(child, WaitOptions.WUNTRACED);
        Assert.Equal(child, stopped.Pid);
        Assert.Equal(WaitStatus.FromStop(signal), stopped.Status);
        Assert.Equal(signal, stopped.Status.StopSignal);
        await libc.KillAsync(child, Signal.SIGCONT);
        Assert.Equal(WaitStatus.ContinuedStatus, (await libc.Wait4Async(child, WaitOptions.WCONTINUED)).Status);
        await libc.Release(open);
        Assert.Equal(WaitStatus.FromExit(3), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    // POSIX sigaction: SIGKILL and SIGSTOP cannot be caught or ignored (EINVAL); neither can a non-signal
    [Theory]
    [InlineData(Signal.SIGKILL)]
    [InlineData(Signal.SIGSTOP)]
    [InlineData((Signal)0)]
    [InlineData((Signal)32)]
    [InlineData((Signal)(-1))]
    public Task SetSignalHandler_refuses_what_cannot_be_caught_with_EINVAL(Signal signal) => RunToSuccess(libc =>
    {
        Assert.Equal(Errno.EINVAL, Assert.Throws<PosixException>(() => libc.SetSignalHandler(signal, _ => { })).Errno);
        Assert.Equal(Errno.EINVAL, Assert.Throws<PosixException>(() => libc.SetSignalHandler(signal, null)).Errno);
        return Task.FromResult(0);
    });

    // POSIX: a process that tried to catch SIGKILL is still killed by it
    [Fact]
    public Task Sigkill_kills_a_process_that_tried_to_catch_it() => RunToSuccess(async libc =>
    {
        var (ready, readyOpen) = await libc.PipeAsync();
        var (gate, _) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            try
            {
                c.SetSignalHandler(Signal.SIGKILL, _ => { });
            }
            catch (PosixException)
            {
            }

            await c.Release(readyOpen);
            await c.ReadAsync(gate, new byte[1]);
            return 0;
        });
        await libc.Await(ready);
        await libc.KillAsync(child, Signal.SIGKILL);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, false), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    [Fact]
    public async Task A_killed_program_unwinds_from_every_call_it_was_waiting_in()
    {
        var unwound = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await RunToSuccess(async libc =>
        {
            var (ready, readyOpen) = await libc.PipeAsync();
            var (gate, _) = await libc.PipeAsync();
            var child = await libc.ForkAsync(async c =>
            {
                // A grandchild that never ends, so the child's wait4 stays parked beside its read.
                await c.ForkAsync(async g => await g.ReadAsync(gate, new byte[1]));
                var waiting = c.Wait4Async(-1);
                var reading = c.ReadAsync(gate, new byte[1]);
                await c.Release(readyOpen);
                try
                {
                    await Task.WhenAll(waiting, reading);
                }
                finally
                {
                    unwound.TrySetResult($"{waiting.Status}, {reading.Status}");
                }

                return 0;
            });
            await libc.Await(ready);
            await libc.KillAsync(child, Signal.SIGKILL);
            Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, false), (await libc.Wait4Async(child)).Status);
            return 0;
        });

        // Both calls the program waited in (a wait4 the killed process will never answer, and a read) unwind it.
        Assert.Equal("Canceled, Canceled", await unwound.Task.WaitAsync(Bound));
    }

    // Open POSIX conformance/interfaces/kill/1-1.c: kill on the caller runs its handler
    [Fact]
    public async Task A_process_that_signals_itself_runs_its_handler()
    {
        var caught = new List<Signal>();
        await RunToSuccess(async libc =>
        {
            libc.SetSignalHandler(Signal.SIGUSR1, caught.Add);
            await libc.KillAsync(libc.Pid, Signal.SIGUSR1);
            await libc.GetPpidAsync();
            return 0;
        });
        Assert.Equal([Signal.SIGUSR1], caught);
    }

    // Open POSIX conformance/interfaces/kill/1-2.c: a handler runs in the target, at its next libc call, once
    [Fact]
    public Task A_handler_runs_in_the_target_at_its_next_libc_call() => RunToSuccess(async libc =>
    {
        var (ready, readyOpen) = await libc.PipeAsync();
        var (gate, open) = await libc.PipeAsync();
        var (log, logOpen) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            var handled = 0;
            c.SetSignalHandler(Signal.SIGUSR1, _ => handled++);
            await c.Release(readyOpen);
            await c.Await(gate);
            await c.GetPpidAsync();
            await c.WriteAsync(logOpen, new[] { (byte)handled });
            return handled;
        });
        await libc.Await(ready);
        await libc.KillAsync(child, Signal.SIGUSR1);
        await libc.Release(open);
        var handledInChild = new byte[1];
        Assert.Equal(1, await libc.ReadAsync(log, handledInChild));
        Assert.Equal(1, handledInChild[0]);
        Assert.Equal(WaitStatus.FromExit(1), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    // POSIX sigaction SIG_DFL: removing the handler restores the default action
    [Fact]
    public Task Removing_a_handler_restores_the_default_action() => RunToSuccess(async libc =>
    {
        var (ready, readyOpen) = await libc.PipeAsync();
        var (gate, _) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            c.SetSignalHandler(Signal.SIGUSR1, _ => { });
            c.SetSignalHandler(Signal.SIGUSR1, null);
            await c.Release(readyOpen);
            await c.ReadAsync(gate, new byte[1]);
            return 0;
        });
        await libc.Await(ready);
        await libc.KillAsync(child, Signal.SIGUSR1);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGUSR1, false), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    // LTP kill02: pid 0 signals every process of the caller's group, the caller included, and no other group
    [Fact]
    public async Task Kill_0_signals_the_callers_group_including_the_caller()
    {
        var initCaught = 0;
        await RunToSuccess(async libc =>
        {
            var (member, _) = await libc.ForkGated(0);
            var (outsider, releaseOutsider) = await libc.ForkGated(5);
            await libc.SetPgidAsync(outsider, outsider);
            libc.SetSignalHandler(Signal.SIGUSR1, _ => initCaught++);
            await libc.KillAsync(0, Signal.SIGUSR1);
            Assert.Equal(WaitStatus.FromSignal(Signal.SIGUSR1, false), (await libc.Wait4Async(member)).Status);
            await libc.KillAsync(outsider, 0);
            await libc.Release(releaseOutsider);
            Assert.Equal(WaitStatus.FromExit(5), (await libc.Wait4Async(outsider)).Status);
            return 0;
        });
        Assert.Equal(1, initCaught);
    }

    // POSIX kill: pid -1 signals every process it may, except init; init survives and is not signalled
    [Fact]
    public async Task Kill_minus_1_signals_every_process_but_init()
    {
        var initCaught = 0;
        var status = await Run(async libc =>
        {
            var (gate, _) = await libc.PipeAsync();
            var (report, reportOpen) = await libc.PipeAsync();
            var parent = await libc.ForkAsync(async a =>
            {
                var grandchild = await a.ForkAsync(async g => await g.ReadAsync(gate, new byte[1]));
                await a.WriteInts(reportOpen, grandchild);
                return await a.ReadAsync(gate, new byte[1]);
            });
            var (leader, _) = await libc.ForkGated(0);
            await libc.SetPgidAsync(leader, leader);
            var grandchild = await libc.ReadInt(report);
            // Installed after the forks, so that the children keep the default action.
            libc.SetSignalHandler(Signal.SIGTERM, _ => initCaught++);
            await libc.KillAsync(-1, Signal.SIGTERM);
            Assert.Equal(WaitStatus.FromSignal(Signal.SIGTERM, false), (await libc.Wait4Async(parent)).Status);
            Assert.Equal(WaitStatus.FromSignal(Signal.SIGTERM, false), (await libc.Wait4Async(leader)).Status);
            // The grandchild is an orphan now: init reaps it once it has been handed over.
            WaitResult orphan;
            do orphan = await libc.Wait4Async(-1, WaitOptions.WNOHANG);
            while (orphan.Pid <= 0);
            Assert.Equal((grandchild, WaitStatus.FromSignal(Signal.SIGTERM, false)), (orphan.Pid, orphan.Status));
            await libc.GetPpidAsync();
            return 0;
        });
        Assert.Equal(WaitStatus.FromExit(0), status);
        Assert.Equal(0, initCaught);
    }

    // LTP kill06 and kill08: a negative pid signals the whole group -pid and nobody else
    [Fact]
    public Task Kill_of_a_negative_pid_signals_that_group_only() => RunToSuccess(async libc =>
    {
        var (leader, _) = await libc.ForkGated(0);
        await libc.SetPgidAsync(leader, leader);
        var (member, _) = await libc.ForkGated(0);
        await libc.SetPgidAsync(member, leader);
        var (outsider, releaseOutsider) = await libc.ForkGated(5);
        await libc.KillAsync(-leader, Signal.SIGKILL);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, false), (await libc.Wait4Async(leader)).Status);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, false), (await libc.Wait4Async(member)).Status);
        await libc.KillAsync(outsider, 0);
        await libc.Release(releaseOutsider);
        Assert.Equal(WaitStatus.FromExit(5), (await libc.Wait4Async(outsider)).Status);
        return 0;
    });

    // Open POSIX conformance/interfaces/kill/2-1.c and 2-2.c: signal 0 checks existence only (a zombie exists)
    [Fact]
    public Task Signal_0_checks_existence_of_a_live_child_and_a_zombie_until_it_is_reaped() => RunToSuccess(async libc =>
    {
        var exits = 0;
        libc.SetSignalHandler(Signal.SIGCHLD, _ => exits++);
        await libc.KillAsync(libc.Pid, 0);
        var (child, open) = await libc.ForkGated(4);
        await libc.KillAsync(child, 0);
        await libc.Release(open);
        while (exits == 0) await libc.GetPgrpAsync();
        await libc.KillAsync(child, 0);
        Assert.Equal(WaitStatus.FromExit(4), (await libc.Wait4Async(child)).Status);
        Assert.Equal(Errno.ESRCH, (await Assert.ThrowsAsync<PosixException>(() => libc.KillAsync(child, 0))).Errno);
        return 0;
    });

    // LTP kill03 ({2000, EINVAL}): an invalid signal number is EINVAL, checked before the pid, and sends nothing
    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(-1)]
    [InlineData(2000)]
    public Task An_invalid_signal_number_is_EINVAL(int signal) => RunToSuccess(async libc =>
    {
        var (child, open) = await libc.ForkGated(6);
        Assert.Equal(Errno.EINVAL, (await Assert.ThrowsAsync<PosixException>(() => libc.KillAsync(child, (Signal)signal))).Errno);
        Assert.Equal(Errno.EINVAL, (await Assert.ThrowsAsync<PosixException>(() => libc.KillAsync(4_000_000, (Signal)signal))).Errno);
        await libc.Release(open);
        Assert.Equal(WaitStatus.FromExit(6), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    // LTP kill03 ({SIGKILL, ESRCH, fake pid} and INT_MIN); Open POSIX conformance/interfaces/kill/2-2.c
    [Theory]
    [InlineData(4_000_000, Signal.SIGKILL)]
    [InlineData(4_000_000, (Signal)0)]
    [InlineData(-4_000_000, Signal.SIGTERM)]
    [InlineData(int.MinValue, Signal.SIGKILL)]
    [InlineData(-1, Signal.SIGTERM)]
    public Task Kill_with_nothing_to_match_is_ESRCH(int pid, Signal signal) => RunToSuccess(async libc =>
    {
        Assert.Equal(Errno.ESRCH, (await Assert.ThrowsAsync<PosixException>(() => libc.KillAsync(pid, signal))).Errno);
        return 0;
    });

    // NetBSD tests/kernel/t_zombie.c signal1..signal5; FreeBSD tests/sys/kern/kill_zombie.c
    [Theory]
    [InlineData(Signal.SIGKILL)]
    [InlineData(Signal.SIGSTOP)]
    [InlineData(Signal.SIGABRT)]
    [InlineData(Signal.SIGHUP)]
    [InlineData(Signal.SIGCONT)]
    public Task A_zombie_accepts_any_signal_and_keeps_its_status(Signal signal) => RunToSuccess(async libc =>
    {
        var exits = 0;
        libc.SetSignalHandler(Signal.SIGCHLD, _ => exits++);
        var zombie = await libc.ForkAsync(_ => Task.FromResult(3));
        while (exits == 0) await libc.GetPgrpAsync();
        await libc.KillAsync(zombie, signal);
        var sibling = await libc.ForkAsync(async s =>
        {
            await s.KillAsync(zombie, signal);
            return 0;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(sibling)).Status);
        var waited = await libc.Wait4Async(zombie, WaitOptions.WUNTRACED | WaitOptions.WCONTINUED);
        Assert.Equal(zombie, waited.Pid);
        Assert.Equal(WaitStatus.FromExit(3), waited.Status);
        return 0;
    });

    // Open POSIX conformance/interfaces/sigaction/10-1.c and 11-1.c: SIGCHLD for a child's stop, continue and exit
    [Fact]
    public async Task The_parent_gets_SIGCHLD_when_a_child_stops_continues_and_exits()
    {
        var counts = new List<int>();
        await RunToSuccess(async libc =>
        {
            var sigchld = 0;
            libc.SetSignalHandler(Signal.SIGCHLD, _ => sigchld++);
            var (child, open) = await libc.ForkGated(0);
            await libc.KillAsync(child, Signal.SIGSTOP);
            Assert.True((await libc.Wait4Async(child, WaitOptions.WUNTRACED)).Status.Stopped);
            counts.Add(sigchld);
            await libc.KillAsync(child, Signal.SIGCONT);
            Assert.True((await libc.Wait4Async(child, WaitOptions.WCONTINUED)).Status.Continued);
            counts.Add(sigchld);
            await libc.Release(open);
            Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
            counts.Add(sigchld);
            return 0;
        });
        Assert.Equal([1, 2, 3], counts);
    }

    // DESIGN.md: a kill cancels the process's Cancellation token and abandons its blocked libc call
    [Fact]
    public async Task A_killed_process_has_its_token_cancelled_and_its_blocked_read_abandoned()
    {
        var tokenFired = false;
        var readEnded = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await RunToSuccess(async libc =>
        {
            var (ready, readyOpen) = await libc.PipeAsync();
            var (never, _) = await libc.PipeAsync();
            var child = await libc.ForkAsync(async c =>
            {
                c.Cancellation.Register(() => tokenFired = true);
                // Both calls go through the process to the file system in this order: the read is parked there
                // before the parent can see the ready byte.
                var read = c.ReadAsync(never, new byte[1]);
                var ready = c.Release(readyOpen);
                try
                {
                    await read;
                    readEnded.SetResult(new InvalidOperationException("the read returned"));
                }
                catch (Exception e)
                {
                    readEnded.SetResult(e);
                }

                await ready;
                return 0;
            });
            await libc.Await(ready);
            await libc.KillAsync(child, Signal.SIGKILL);
            Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, false), (await libc.Wait4Async(child)).Status);
            return 0;
        });
        Assert.True(tokenFired);
        // The killed program unwinds on its own after the namespace has reaped it: wait for it, not for a time.
        Assert.IsAssignableFrom<OperationCanceledException>(await readEnded.Task.WaitAsync(Bound));
    }

    // DESIGN.md: a killed process is a zombie for its parent at once, whatever its program still does
    [Fact]
    public async Task A_killed_process_is_reported_at_once_while_its_program_still_runs()
    {
        var spin = new ManualResetEventSlim();
        var nextCall = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await RunToSuccess(async libc =>
        {
            var (ready, readyOpen) = await libc.PipeAsync();
            var child = await libc.ForkAsync(async c =>
            {
                // The ready byte is sent, and the program goes on without a libc call until the test lets it.
                var ready = c.Release(readyOpen);
                spin.Wait();
                try
                {
                    await ready;
                    await c.GetPpidAsync();
                    nextCall.SetResult(null);
                }
                catch (Exception e)
                {
                    nextCall.SetResult(e);
                }

                return 0;
            });
            await libc.Await(ready);
            await libc.KillAsync(child, Signal.SIGKILL);
            var waited = await libc.Wait4Async(child);
            spin.Set();
            Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, false), waited.Status);
            return 0;
        });
        spin.Set();
        Assert.IsAssignableFrom<OperationCanceledException>(await nextCall.Task.WaitAsync(Bound));
    }

    // POSIX: a process's descriptors are closed when it ends, so its pipe reaches EOF without a wait first
    [Fact]
    public Task A_killed_process_has_its_descriptors_closed() => RunToSuccess(async libc =>
    {
        var (output, outputWriter) = await libc.PipeAsync();
        var (ready, readyOpen) = await libc.PipeAsync();
        var (never, _) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            await c.WriteAsync(outputWriter, "x"u8.ToArray());
            await c.Release(readyOpen);
            return await c.ReadAsync(never, new byte[1]);
        });
        await libc.CloseAsync(outputWriter);
        await libc.Await(ready);
        await libc.KillAsync(child, Signal.SIGKILL);
        var buffer = new byte[4];
        Assert.Equal(1, await libc.ReadAsync(output, buffer));
        Assert.Equal(0, await libc.ReadAsync(output, buffer));
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, false), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    // POSIX: a stopped process does not run: its next libc call waits until SIGCONT (order shown on a shared pipe)
    [Fact]
    public async Task A_stopped_process_makes_no_libc_call_until_it_is_continued()
    {
        var go = new ManualResetEventSlim();
        var attempting = 0;
        var order = "";
        await RunToSuccess(async libc =>
        {
            var (ready, readyOpen) = await libc.PipeAsync();
            var (log, logOpen) = await libc.PipeAsync();
            var child = await libc.ForkAsync(async c =>
            {
                await c.Release(readyOpen);
                go.Wait();
                Volatile.Write(ref attempting, 1);
                await c.WriteAsync(logOpen, "C"u8.ToArray());
                return 0;
            });
            await libc.Await(ready);
            await libc.KillAsync(child, Signal.SIGSTOP);
            Assert.True((await libc.Wait4Async(child, WaitOptions.WUNTRACED)).Status.Stopped);
            go.Set();
            while (Volatile.Read(ref attempting) == 0) await libc.GetPgrpAsync();
            for (var i = 0; i < 20; i++) await libc.GetPgrpAsync();
            await libc.WriteAsync(logOpen, "P"u8.ToArray());
            await libc.KillAsync(child, Signal.SIGCONT);
            order = await libc.ReadExactly(log, 2);
            Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
            return 0;
        });
        go.Set();
        Assert.Equal("PC", order);
    }

    // POSIX: SIGKILL ends a stopped process
    [Fact]
    public Task Sigkill_ends_a_stopped_process() => RunToSuccess(async libc =>
    {
        var (child, _) = await libc.ForkGated(0);
        await libc.KillAsync(child, Signal.SIGSTOP);
        Assert.True((await libc.Wait4Async(child, WaitOptions.WUNTRACED)).Status.Stopped);
        await libc.KillAsync(child, Signal.SIGKILL);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, false), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    // POSIX: a terminating signal sent to a stopped process stays pending and takes effect once it is continued
    [Fact]
    public Task A_signal_sent_to_a_stopped_process_takes_effect_when_it_is_continued() => RunToSuccess(async libc =>
    {
        var (child, _) = await libc.ForkGated(0);
        await libc.KillAsync(child, Signal.SIGSTOP);
        Assert.True((await libc.Wait4Async(child, WaitOptions.WUNTRACED)).Status.Stopped);
        await libc.KillAsync(child, Signal.SIGTERM);
        await libc.KillAsync(child, 0);
        Assert.Equal(WaitResult.Nothing, await libc.Wait4Async(child, WaitOptions.WNOHANG));
        await libc.KillAsync(child, Signal.SIGCONT);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGTERM, false), (await libc.Wait4Async(child)).Status);
        return 0;
    });
}
