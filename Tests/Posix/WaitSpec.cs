using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// wait4 at the libc level: its selectors, WNOHANG, ECHILD and EINVAL, an interrupted wait, stop and continue
/// reports, rusage, and that each child is reported exactly once. Children block on pipes until released.
/// </summary>
public sealed class WaitSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    // gVisor wait.cc WaitSpecificChildTest.MultipleForkOutOfOrder; LTP waitpid03 (waitpid(pid) returns that child)
    [Fact]
    public Task Wait4_with_a_pid_reaps_that_child_and_no_other() => RunToSuccess(async libc =>
    {
        var first = await libc.ForkAsync(_ => Task.FromResult(1));
        var second = await libc.ForkAsync(_ => Task.FromResult(2));
        var waited = await libc.Wait4Async(second);
        Assert.Equal(second, waited.Pid);
        Assert.Equal(WaitStatus.FromExit(2), waited.Status);
        waited = await libc.Wait4Async(first);
        Assert.Equal(first, waited.Pid);
        Assert.Equal(WaitStatus.FromExit(1), waited.Status);
        return 0;
    });

    // gVisor wait.cc WaitAnyChildTest.MultipleFork; LTP waitpid06 (pid -1): every child once, in no required order
    [Fact]
    public async Task Wait4_minus_1_reaps_every_child_once()
    {
        var forked = new Dictionary<int, int>();
        var reaped = new Dictionary<int, int>();
        Errno after = Errno.None;
        await RunToSuccess(async libc =>
        {
            for (var code = 1; code <= 3; code++)
            {
                var exit = code;
                forked[await libc.ForkAsync(_ => Task.FromResult(exit))] = exit;
            }

            for (var i = 0; i < 3; i++)
            {
                var waited = await libc.Wait4Async(-1);
                Assert.True(waited.Status.Exited, $"{waited.Status}");
                reaped[waited.Pid] = waited.Status.ExitCode;
            }

            after = (await libc.Wait4Async(-1)).Error;
            return 0;
        });
        Assert.Equal(forked, reaped);
        Assert.Equal(Errno.ECHILD, after);
    }

    // gVisor wait.cc WaitSpecificChildTest.ForkSleep: the wait is entered while the child still runs
    [Fact]
    public Task A_wait4_entered_before_the_child_exits_returns_at_its_exit() => RunToSuccess(async libc =>
    {
        var (sleeper, open) = await libc.ForkGated(9);
        var waker = await libc.ForkAsync(async w =>
        {
            await w.Release(open);
            return 0;
        });
        Assert.Equal((sleeper, WaitStatus.FromExit(9)), Reaped(await libc.Wait4Async(sleeper)));
        Assert.Equal((waker, WaitStatus.FromExit(0)), Reaped(await libc.Wait4Async(waker)));
        return 0;
    });

    // LTP waitpid11 (pid 0): only children in the caller's group; a zombie in another group is left alone
    [Fact]
    public Task Wait4_0_reaps_only_children_in_the_callers_group() => RunToSuccess(async libc =>
    {
        var (eof, eofWriter) = await libc.PipeAsync();
        var (gate, open) = await libc.PipeAsync();
        var outsider = await libc.ForkAsync(async o =>
        {
            await o.CloseAsync(eof);
            await o.Await(gate);
            return 2;
        });
        await libc.SetPgidAsync(outsider, outsider);
        var member = await libc.ForkAsync(async m =>
        {
            await m.CloseAsync(eofWriter);
            return await m.ReadAsync(eof, new byte[1]) == 0 ? 1 : 3;
        });
        await libc.CloseAsync(eofWriter);
        await libc.CloseAsync(eof);
        // The outsider ends first (its exit closes the member's pipe), then the member: wait4(0) must skip the outsider.
        await libc.Release(open);
        var waited = await libc.Wait4Async(0);
        Assert.Equal(member, waited.Pid);
        Assert.Equal(WaitStatus.FromExit(1), waited.Status);
        Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(0, WaitOptions.WNOHANG)).Error);
        Assert.Equal(WaitStatus.FromExit(2), (await libc.Wait4Async(outsider)).Status);
        return 0;
    });

    // LTP waitpid11 (pid < -1): the children in group -pid, not those of the caller's group
    [Fact]
    public Task Wait4_of_a_negative_pid_reaps_only_children_in_that_group() => RunToSuccess(async libc =>
    {
        var (leaderGate, releaseLeader) = await libc.PipeAsync();
        var (memberGate, releaseMember) = await libc.PipeAsync();
        var leader = await libc.ForkAsync(async l =>
        {
            await l.Await(leaderGate);
            return 4;
        });
        await libc.SetPgidAsync(leader, leader);
        var member = await libc.ForkAsync(async m =>
        {
            await m.Await(memberGate);
            return 5;
        });
        await libc.SetPgidAsync(member, leader);
        var other = await libc.ForkAsync(_ => Task.FromResult(6));
        Assert.Equal(WaitResult.Nothing, await libc.Wait4Async(-leader, WaitOptions.WNOHANG));
        await libc.Release(releaseMember);
        Assert.Equal((member, WaitStatus.FromExit(5)), Reaped(await libc.Wait4Async(-leader)));
        Assert.Equal(WaitResult.Nothing, await libc.Wait4Async(-leader, WaitOptions.WNOHANG));
        await libc.Release(releaseLeader);
        Assert.Equal((leader, WaitStatus.FromExit(4)), Reaped(await libc.Wait4Async(-leader)));
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(-leader));
        Assert.Equal((other, WaitStatus.FromExit(6)), Reaped(await libc.Wait4Async(-1)));
        return 0;
    });

    // POSIX waitpid: pid < -1 selects by the group -pid, even when that is no longer the caller's own group
    [Fact]
    public Task Wait4_of_a_negative_pid_works_for_the_group_the_caller_has_left() => RunToSuccess(async libc =>
    {
        var middle = await libc.ForkAsync(async m =>
        {
            await m.SetPgidAsync(0, 0);
            var (childGate, releaseChild) = await m.PipeAsync();
            var (helperGate, releaseHelper) = await m.PipeAsync();
            var child = await m.ForkAsync(async c =>
            {
                await c.Await(childGate);
                return 8;
            });
            var helper = await m.ForkAsync(async h =>
            {
                await h.Await(helperGate);
                return 0;
            });
            await m.SetPgidAsync(helper, helper);
            await m.SetPgidAsync(0, helper);
            if (await m.GetPgrpAsync() != helper) return 1;
            await m.Release(releaseChild);
            var waited = await m.Wait4Async(-m.Pid);
            if (waited.Pid != child || waited.Status != WaitStatus.FromExit(8)) return 2;
            if ((await m.Wait4Async(-m.Pid)).Error != Errno.ECHILD) return 3;
            await m.Release(releaseHelper);
            return (await m.Wait4Async(0)).Pid == helper ? 0 : 4;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(middle)).Status);
        return 0;
    });

    // FreeBSD tests/sys/kern/waitpid_nohang.c; LTP waitpid09 case 0: a running child gives 0, status untouched
    [Fact]
    public Task Wnohang_with_a_running_child_returns_0_and_a_default_status() => RunToSuccess(async libc =>
    {
        var (child, open) = await libc.ForkGated(3);
        Assert.Equal(new WaitResult(0, default, Errno.None, default), await libc.Wait4Async(child, WaitOptions.WNOHANG));
        Assert.Equal(WaitResult.Nothing, await libc.Wait4Async(-1, WaitOptions.WNOHANG));
        Assert.Equal(WaitResult.Nothing, await libc.Wait4Async(0, WaitOptions.WNOHANG));
        await libc.Release(open);
        Assert.Equal((child, WaitStatus.FromExit(3)), Reaped(await libc.Wait4Async(child)));
        return 0;
    });

    // LTP waitpid09 case 1: WNOHANG returns the child once it has exited (polled through the runtime, no timing)
    [Fact]
    public Task Wnohang_reaps_a_child_that_has_exited() => RunToSuccess(async libc =>
    {
        var child = await libc.ForkAsync(_ => Task.FromResult(6));
        WaitResult waited;
        do waited = await libc.Wait4Async(child, WaitOptions.WNOHANG);
        while (waited.Pid == 0);
        Assert.Equal((child, WaitStatus.FromExit(6)), Reaped(waited));
        return 0;
    });

    // NetBSD tests/lib/libc/sys/t_wait_noproc.c; LTP waitpid09 cases 2-3; gVisor WaitAnyChildTest.WaitWNOHANG
    [Theory]
    [InlineData(-1, WaitOptions.None)]
    [InlineData(-1, WaitOptions.WNOHANG)]
    [InlineData(0, WaitOptions.None)]
    [InlineData(0, WaitOptions.WUNTRACED | WaitOptions.WCONTINUED)]
    [InlineData(-1, WaitOptions.WNOHANG | WaitOptions.WUNTRACED | WaitOptions.WCONTINUED)]
    [InlineData(2, WaitOptions.None)]
    [InlineData(-7, WaitOptions.None)]
    public Task Wait4_without_children_is_ECHILD_at_once(int pid, WaitOptions options) => RunToSuccess(async libc =>
    {
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(pid, options));
        return 0;
    });

    // LTP waitpid03 (a reaped child is ECHILD) and waitpid04 (-1 with no child left)
    [Fact]
    public Task Wait4_after_every_child_was_reaped_is_ECHILD() => RunToSuccess(async libc =>
    {
        var child = await libc.ForkAsync(_ => Task.FromResult(0));
        Assert.Equal(child, (await libc.Wait4Async(child)).Pid);
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(child));
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(-1));
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(0, WaitOptions.WNOHANG));
        return 0;
    });

    // LTP waitpid04 ({1, 0, ECHILD}: wait for a non-child); gVisor wait.cc: a grandchild is not the caller's child
    [Fact]
    public Task Wait4_for_a_process_that_is_not_a_child_is_ECHILD_even_while_another_child_runs() => RunToSuccess(async libc =>
    {
        var (gate, open) = await libc.PipeAsync();
        var (report, reportOpen) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            var grandchild = await c.ForkAsync(async g =>
            {
                await g.Await(gate);
                return 0;
            });
            await c.WriteInts(reportOpen, grandchild);
            var siblingWait = await c.Wait4Async(1);
            var waited = await c.Wait4Async(grandchild);
            return siblingWait.Error == Errno.ECHILD && waited.Status == WaitStatus.FromExit(0) ? 0 : 1;
        });
        var grandchild = await libc.ReadInt(report);
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(grandchild));
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(grandchild, WaitOptions.WNOHANG));
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(libc.Pid));
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(4_000_000));
        await libc.Release(open);
        Assert.Equal((child, WaitStatus.FromExit(0)), Reaped(await libc.Wait4Async(child)));
        return 0;
    });

    // LTP waitpid12 (pid < -1 with WNOHANG): a group with no child of the caller is ECHILD, not 0
    [Fact]
    public Task Wait4_for_a_group_without_children_of_the_caller_is_ECHILD() => RunToSuccess(async libc =>
    {
        var (gate, open) = await libc.PipeAsync();
        var (report, reportOpen) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            var grandchild = await c.ForkAsync(async g =>
            {
                await g.Await(gate);
                return 0;
            });
            await c.SetPgidAsync(grandchild, grandchild);
            await c.WriteInts(reportOpen, grandchild);
            return (await c.Wait4Async(grandchild)).Status.ExitCode;
        });
        var group = await libc.ReadInt(report);
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(-group));
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(-group, WaitOptions.WNOHANG));
        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(-12345));
        await libc.Release(open);
        Assert.Equal((child, WaitStatus.FromExit(0)), Reaped(await libc.Wait4Async(child)));
        return 0;
    });

    // LTP waitpid04 ({-1, -1, EINVAL}); gVisor wait.cc WaitAnyChildTest.BadOption
    [Theory]
    [InlineData(0x4)]
    [InlineData(0x40)]
    [InlineData(0x1000000)]
    [InlineData(-1)]
    public Task Unknown_option_bits_are_EINVAL(int options) => RunToSuccess(async libc =>
    {
        Assert.Equal(WaitResult.Failed(Errno.EINVAL), await libc.Wait4Async(-1, (WaitOptions)options));
        var child = await libc.ForkAsync(_ => Task.FromResult(0));
        Assert.Equal(WaitResult.Failed(Errno.EINVAL), await libc.Wait4Async(child, (WaitOptions)options | WaitOptions.WNOHANG));
        Assert.Equal(child, (await libc.Wait4Async(child)).Pid);
        return 0;
    });

    // POSIX: a wait interrupted by a signal fails with EINTR (here: its token); the child stays collectable
    [Fact]
    public Task Cancelling_a_blocked_wait4_returns_EINTR_and_the_child_stays_collectable() => RunToSuccess(async libc =>
    {
        var (child, open) = await libc.ForkGated(7);
        using var cancel = new CancellationTokenSource();
        var blocked = libc.Wait4Async(child, WaitOptions.None, cancel.Token);
        await cancel.CancelAsync();
        Assert.Equal(WaitResult.Failed(Errno.EINTR), await blocked);
        using var already = new CancellationTokenSource();
        await already.CancelAsync();
        Assert.Equal(WaitResult.Failed(Errno.EINTR), await libc.Wait4Async(-1, WaitOptions.None, already.Token));
        await libc.Release(open);
        Assert.Equal((child, WaitStatus.FromExit(7)), Reaped(await libc.Wait4Async(child)));
        return 0;
    });

    // LTP waitpid08 and waitpid13 (WUNTRACED); gVisor sigstop.cc: a stop is reported once, as 0x7f | sig << 8
    [Fact]
    public Task Wuntraced_reports_a_stopped_child_once() => RunToSuccess(async libc =>
    {
        var (child, open) = await libc.ForkGated(0);
        await libc.KillAsync(child, Signal.SIGSTOP);
        var waited = await libc.Wait4Async(child, WaitOptions.WUNTRACED);
        Assert.Equal(child, waited.Pid);
        Assert.Equal(0x7f | (int)Signal.SIGSTOP << 8, waited.Status.Raw);
        Assert.True(waited.Status.Stopped);
        Assert.Equal(Signal.SIGSTOP, waited.Status.StopSignal);
        Assert.False(waited.Status.Exited);
        Assert.Equal(WaitResult.Nothing, await libc.Wait4Async(child, WaitOptions.WUNTRACED | WaitOptions.WNOHANG));
        await libc.KillAsync(child, Signal.SIGCONT);
        await libc.Release(open);
        Assert.Equal((child, WaitStatus.FromExit(0)), Reaped(await libc.Wait4Async(child)));
        return 0;
    });

    // gVisor sigstop.cc (WCONTINUED): a continue is reported once, as 0xffff
    [Fact]
    public Task Wcontinued_reports_a_continued_child_once() => RunToSuccess(async libc =>
    {
        var (child, open) = await libc.ForkGated(0);
        await libc.KillAsync(child, Signal.SIGSTOP);
        Assert.True((await libc.Wait4Async(child, WaitOptions.WUNTRACED)).Status.Stopped);
        await libc.KillAsync(child, Signal.SIGCONT);
        var waited = await libc.Wait4Async(child, WaitOptions.WCONTINUED);
        Assert.Equal(child, waited.Pid);
        Assert.Equal(0xffff, waited.Status.Raw);
        Assert.True(waited.Status.Continued);
        Assert.Equal(WaitResult.Nothing, await libc.Wait4Async(-1, WaitOptions.WCONTINUED | WaitOptions.WNOHANG));
        await libc.Release(open);
        Assert.Equal((child, WaitStatus.FromExit(0)), Reaped(await libc.Wait4Async(child)));
        return 0;
    });

    // POSIX waitpid: without WUNTRACED / WCONTINUED, stops and continues are not reported; only the exit is
    [Fact]
    public Task Without_wuntraced_or_wcontinued_stops_and_continues_are_not_reported() => RunToSuccess(async libc =>
    {
        var (child, open) = await libc.ForkGated(5);
        await libc.KillAsync(child, Signal.SIGSTOP);
        Assert.Equal(WaitResult.Nothing, await libc.Wait4Async(child, WaitOptions.WNOHANG));
        Assert.Equal(WaitResult.Nothing, await libc.Wait4Async(child, WaitOptions.WNOHANG | WaitOptions.WCONTINUED));
        Assert.True((await libc.Wait4Async(child, WaitOptions.WUNTRACED)).Status.Stopped);
        await libc.KillAsync(child, Signal.SIGCONT);
        Assert.Equal(WaitResult.Nothing, await libc.Wait4Async(child, WaitOptions.WNOHANG | WaitOptions.WUNTRACED));
        Assert.True((await libc.Wait4Async(child, WaitOptions.WCONTINUED)).Status.Continued);
        await libc.KillAsync(child, Signal.SIGSTOP);
        await libc.KillAsync(child, Signal.SIGCONT);
        await libc.Release(open);
        // The stop and continue reports came before the exit, from the same child: a plain wait returns the exit.
        Assert.Equal((child, WaitStatus.FromExit(5)), Reaped(await libc.Wait4Async(child)));
        return 0;
    });

    // POSIX waitpid: a continue clears a stop not yet waited for; only the continue is reported
    [Fact]
    public Task A_stop_followed_by_a_continue_reports_only_the_continue() => RunToSuccess(async libc =>
    {
        var (child, open) = await libc.ForkGated(0);
        await libc.KillAsync(child, Signal.SIGSTOP);
        await libc.KillAsync(child, Signal.SIGCONT);
        Assert.Equal((child, WaitStatus.ContinuedStatus), Reaped(await libc.Wait4Async(child, WaitOptions.WCONTINUED)));
        Assert.Equal(WaitResult.Nothing, await libc.Wait4Async(child, WaitOptions.WUNTRACED | WaitOptions.WNOHANG));
        await libc.Release(open);
        Assert.Equal((child, WaitStatus.FromExit(0)), Reaped(await libc.Wait4Async(child, WaitOptions.WUNTRACED)));
        return 0;
    });

    // LTP waitpid13 (pid < -1 with WUNTRACED): a stop is reported to a wait by group
    [Fact]
    public Task A_stop_is_reported_to_a_wait_by_group_and_by_any() => RunToSuccess(async libc =>
    {
        var (child, open) = await libc.ForkGated(0);
        await libc.SetPgidAsync(child, child);
        await libc.KillAsync(child, Signal.SIGTSTP);
        var waited = await libc.Wait4Async(-child, WaitOptions.WUNTRACED);
        Assert.Equal((child, WaitStatus.FromStop(Signal.SIGTSTP)), Reaped(waited));
        await libc.KillAsync(-child, Signal.SIGCONT);
        Assert.Equal((child, WaitStatus.ContinuedStatus), Reaped(await libc.Wait4Async(-1, WaitOptions.WCONTINUED)));
        await libc.Release(open);
        Assert.Equal((child, WaitStatus.FromExit(0)), Reaped(await libc.Wait4Async(-child)));
        return 0;
    });

    // gVisor wait.cc WaitAnyChildTest.WaitedChildRusage: the reaped child's CPU time is measured
    [Fact]
    public async Task Usage_of_a_reaped_child_shows_the_cpu_time_it_spent()
    {
        WaitResult waited = default;
        var spun = TimeSpan.Zero;
        var lived = TimeSpan.Zero;
        await RunToSuccess(async libc =>
        {
            var started = DateTime.UtcNow;
            var child = await libc.ForkAsync(c =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var x = 0UL;
                while (clock.Elapsed < TimeSpan.FromMilliseconds(50)) x = x * 31 + 7;
                spun = clock.Elapsed;
                return Task.FromResult((int)(x & 1));
            });
            waited = await libc.Wait4Async(child);
            lived = DateTime.UtcNow - started;
            return 0;
        });
        var cpu = waited.Usage.UserTime + waited.Usage.SystemTime;
        Assert.True(cpu > TimeSpan.FromMilliseconds(5), $"the child spun {spun.TotalMilliseconds} ms; rusage says {cpu.TotalMilliseconds} ms");
        Assert.True(cpu <= lived + TimeSpan.FromMilliseconds(20), $"rusage {cpu.TotalMilliseconds} ms exceeds the child's life of {lived.TotalMilliseconds} ms");
    }

    // POSIX getrusage/wait4: ru_maxrss is the peak image of the child, here at least what it wrote
    [Fact]
    public async Task Usage_of_a_reaped_child_shows_its_peak_image_size()
    {
        WaitResult waited = default;
        await RunToSuccess(async libc =>
        {
            var child = await libc.ForkAsync(c =>
            {
                var block = c.Memory.Malloc(64 * 1024);
                c.Memory.Write(block, new byte[64 * 1024]);
                return Task.FromResult(0);
            });
            waited = await libc.Wait4Async(child);
            return 0;
        });
        Assert.Equal(WaitStatus.FromExit(0), waited.Status);
        Assert.True(waited.Usage.MaxResidentBytes >= 64 * 1024, $"MaxResidentBytes {waited.Usage.MaxResidentBytes}");
    }

    // LTP waitpid03: each child is reported exactly once
    [Fact]
    public Task Each_child_is_reported_exactly_once() => RunToSuccess(async libc =>
    {
        var children = new List<int>();
        for (var i = 0; i < 3; i++) children.Add(await libc.ForkAsync(_ => Task.FromResult(0)));
        foreach (var child in children)
        {
            Assert.Equal(child, (await libc.Wait4Async(child)).Pid);
            Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(child));
            Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(child, WaitOptions.WNOHANG));
        }

        Assert.Equal(WaitResult.Failed(Errno.ECHILD), await libc.Wait4Async(-1));
        return 0;
    });

    private static (int Pid, WaitStatus Status) Reaped(WaitResult result)
    {
        Assert.Equal(Errno.None, result.Error);
        return (result.Pid, result.Status);
    }
}
