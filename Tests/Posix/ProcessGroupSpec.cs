using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>Process groups at the libc level: setpgid, getpgrp, inheritance, and kill and wait4 by group.</summary>
public sealed class ProcessGroupSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    // LTP testcases/kernel/syscalls/setpgid/setpgid01.c
    [Fact]
    public Task SetPgid_0_0_makes_the_caller_the_leader_of_a_new_group() => RunToSuccess(async libc =>
    {
        var child = await libc.ForkAsync(async self =>
        {
            if (await self.GetPgrpAsync() != 1) return 1;
            await self.SetPgidAsync(0, 0);
            return await self.GetPgrpAsync() == self.Pid ? 0 : 2;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal(1, await libc.GetPgrpAsync());
        return 0;
    });

    // POSIX setpgid(): the caller may set the process group of one of its children.
    [Fact]
    public Task A_parent_moves_its_child_into_a_group_the_child_leads() => RunToSuccess(async libc =>
    {
        var (child, gate) = await ForkWaiting(libc, async self => await self.GetPgrpAsync() == self.Pid ? 0 : 1);
        await libc.SetPgidAsync(child, child);
        await libc.Release(gate);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    [Fact]
    public Task A_parent_moves_its_child_into_another_existing_group() => RunToSuccess(async libc =>
    {
        var (leader, leaderGate) = await ForkWaiting(libc);
        await libc.SetPgidAsync(leader, leader);
        var (member, memberGate) = await ForkWaiting(libc, async self => await self.GetPgrpAsync() == leader ? 0 : 1);
        await libc.SetPgidAsync(member, leader);
        await libc.Release(memberGate);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(member)).Status);
        await libc.Release(leaderGate, 4);
        Assert.Equal(WaitStatus.FromExit(4), (await libc.Wait4Async(leader)).Status);
        return 0;
    });

    [Fact]
    public Task A_group_leader_moves_its_child_out_and_back_into_its_own_group() => RunToSuccess(async libc =>
    {
        var middle = await libc.ForkAsync(async self =>
        {
            await self.SetPgidAsync(0, 0);
            var (child, gate) = await ForkWaiting(self, async c => await c.GetPgrpAsync() == self.Pid ? 0 : 1);
            await self.SetPgidAsync(child, child);
            await self.SetPgidAsync(child, self.Pid);
            await self.Release(gate);
            var result = await self.Wait4Async(0);
            return result.Pid == child ? result.Status.ExitCode : 2;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(middle)).Status);
        return 0;
    });

    [Fact]
    public Task Children_inherit_their_parents_group_at_fork() => RunToSuccess(async libc =>
    {
        var leader = await libc.ForkAsync(async self =>
        {
            await self.SetPgidAsync(0, 0);
            var grandchild = await self.ForkAsync(async g => await g.GetPgrpAsync() == self.Pid ? 0 : 1);
            var result = await self.Wait4Async(grandchild);
            return result.Status == WaitStatus.FromExit(0) ? 0 : 2;
        });
        var sibling = await libc.ForkAsync(async self => await self.GetPgrpAsync() == 1 ? 0 : 3);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(leader)).Status);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(sibling)).Status);
        return 0;
    });

    [Fact]
    public Task A_child_starts_in_the_group_its_parent_has_when_it_forks() => RunToSuccess(async libc =>
    {
        var middle = await libc.ForkAsync(async self =>
        {
            var before = await self.ForkAsync(async g => await g.GetPgrpAsync() == 1 ? 0 : 1);
            await self.SetPgidAsync(0, 0);
            var after = await self.ForkAsync(async g => await g.GetPgrpAsync() == self.Pid ? 0 : 1);
            var first = await self.Wait4Async(before);
            var second = await self.Wait4Async(after);
            return first.Status.ExitCode + second.Status.ExitCode;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(middle)).Status);
        return 0;
    });

    // LTP testcases/kernel/syscalls/setpgid/setpgid02.c
    [Fact]
    public Task SetPgid_with_a_negative_pgid_is_EINVAL() => RunToSuccess(async libc =>
    {
        var child = await libc.ForkAsync(async self =>
        {
            var error = await PosixHelpers.ErrnoOf(() => self.SetPgidAsync(0, -1));
            return error == Errno.EINVAL && await self.GetPgrpAsync() == 1 ? 0 : 1;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    // LTP testcases/kernel/syscalls/setpgid/setpgid02.c
    [Fact]
    public Task SetPgid_of_the_callers_parent_is_ESRCH() => RunToSuccess(async libc =>
    {
        var middle = await libc.ForkAsync(async self =>
        {
            var grandchild = await self.ForkAsync(async g =>
                await PosixHelpers.ErrnoOf(async () => await g.SetPgidAsync(await g.GetPpidAsync(), 0)) == Errno.ESRCH ? 0 : 1);
            return (await self.Wait4Async(grandchild)).Status.ExitCode;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(middle)).Status);
        return 0;
    });

    [Fact]
    public Task SetPgid_of_a_sibling_or_an_unused_pid_is_ESRCH() => RunToSuccess(async libc =>
    {
        var (sibling, siblingGate) = await ForkWaiting(libc);
        var (middle, middleGate) = await ForkWaiting(libc, async self =>
            await PosixHelpers.ErrnoOf(() => self.SetPgidAsync(sibling, 0)) == Errno.ESRCH ? 0 : 1);
        Assert.Equal(Errno.ESRCH, await PosixHelpers.ErrnoOf(() => libc.SetPgidAsync(99_999, 0)));
        await libc.Release(middleGate);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(middle)).Status);
        await libc.Release(siblingGate);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(sibling)).Status);
        return 0;
    });

    [Fact]
    public Task SetPgid_of_a_grandchild_is_ESRCH_for_its_grandparent() => RunToSuccess(async libc =>
    {
        var (report, reportWrite) = await libc.PipeAsync();
        var (gate, gateWrite) = await libc.PipeAsync();
        var middle = await libc.ForkAsync(async self =>
        {
            var grandchild = await self.ForkAsync(async g => await g.ReadAsync(gate, new byte[1]) == 1 ? 0 : 1);
            await self.WriteInts(reportWrite, grandchild);
            return (await self.Wait4Async(grandchild)).Status.ExitCode;
        });
        var grandchildPid = await libc.ReadInt(report);
        Assert.Equal(Errno.ESRCH, await PosixHelpers.ErrnoOf(() => libc.SetPgidAsync(grandchildPid, grandchildPid)));
        await libc.Release(gateWrite);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(middle)).Status);
        return 0;
    });

    // LTP testcases/kernel/syscalls/setpgid/setpgid02.c (a group that does not exist in the caller's session)
    [Fact]
    public Task SetPgid_into_a_group_that_does_not_exist_is_EPERM() => RunToSuccess(async libc =>
    {
        var (child, gate) = await ForkWaiting(libc, async self =>
            await PosixHelpers.ErrnoOf(() => self.SetPgidAsync(0, 77_777)) == Errno.EPERM && await self.GetPgrpAsync() == 1 ? 0 : 1);
        Assert.Equal(Errno.EPERM, await PosixHelpers.ErrnoOf(() => libc.SetPgidAsync(child, 88_888)));
        await libc.Release(gate);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    [Fact]
    public Task SetPgid_into_the_group_of_a_reaped_leader_without_members_is_EPERM() => RunToSuccess(async libc =>
    {
        var (leader, leaderGate) = await ForkWaiting(libc);
        await libc.SetPgidAsync(leader, leader);
        await libc.Release(leaderGate);
        Assert.Equal(leader, (await libc.Wait4Async(leader)).Pid);
        var (child, gate) = await ForkWaiting(libc);
        Assert.Equal(Errno.EPERM, await PosixHelpers.ErrnoOf(() => libc.SetPgidAsync(child, leader)));
        await libc.Release(gate);
        Assert.Equal(child, (await libc.Wait4Async(child)).Pid);
        return 0;
    });

    // init leads the namespace's session; POSIX: a session leader cannot change its group.
    [Fact]
    public Task SetPgid_of_init_is_EPERM() => RunToSuccess(async libc =>
    {
        Assert.Equal(Errno.EPERM, await PosixHelpers.ErrnoOf(() => libc.SetPgidAsync(0, 0)));
        Assert.Equal(Errno.EPERM, await PosixHelpers.ErrnoOf(() => libc.SetPgidAsync(1, 1)));
        Assert.Equal(1, await libc.GetPgrpAsync());
        return 0;
    });

    // Open POSIX Test Suite conformance/interfaces/kill/assertions.xml, assertion 7 (pid < -1 names a group)
    [Fact]
    public Task Kill_of_a_negative_pgid_reaches_exactly_the_groups_members() => RunToSuccess(async libc =>
    {
        var (leader, _) = await ForkWaiting(libc);
        await libc.SetPgidAsync(leader, leader);
        var (member, _) = await ForkWaiting(libc);
        await libc.SetPgidAsync(member, leader);
        var (outsider, outsiderGate) = await ForkWaiting(libc);

        await libc.KillAsync(-leader, Signal.SIGTERM);

        Assert.Equal(WaitStatus.FromSignal(Signal.SIGTERM, false), (await libc.Wait4Async(leader)).Status);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGTERM, false), (await libc.Wait4Async(member)).Status);
        Assert.Equal(0, (await libc.Wait4Async(outsider, WaitOptions.WNOHANG)).Pid);
        await libc.Release(outsiderGate, 9);
        Assert.Equal(WaitStatus.FromExit(9), (await libc.Wait4Async(outsider)).Status);
        return 0;
    });

    // LTP testcases/kernel/syscalls/kill/kill02.c
    [Fact]
    public Task Kill_0_reaches_the_callers_group_the_caller_included() => RunToSuccess(async libc =>
    {
        var (outsider, outsiderGate) = await ForkWaiting(libc);
        var leader = await libc.ForkAsync(async self =>
        {
            await self.SetPgidAsync(0, 0);
            var (a, _) = await ForkWaiting(self);
            var (b, _) = await ForkWaiting(self);
            var caught = 0;
            self.SetSignalHandler(Signal.SIGUSR1, _ => caught++);
            await self.KillAsync(0, Signal.SIGUSR1);
            var first = await self.Wait4Async(a);
            var second = await self.Wait4Async(b);
            var killed = WaitStatus.FromSignal(Signal.SIGUSR1, false);
            return first.Status == killed && second.Status == killed && caught == 1 ? 0 : 1;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(leader)).Status);
        Assert.Equal(0, (await libc.Wait4Async(outsider, WaitOptions.WNOHANG)).Pid);
        await libc.Release(outsiderGate);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(outsider)).Status);
        return 0;
    });

    // Open POSIX Test Suite conformance/interfaces/kill/assertions.xml, assertion 15
    [Fact]
    public Task Kill_of_a_group_with_no_members_is_ESRCH() => RunToSuccess(async libc =>
    {
        Assert.Equal(Errno.ESRCH, await PosixHelpers.ErrnoOf(() => libc.KillAsync(-4242, Signal.SIGTERM)));
        var (leader, gate) = await ForkWaiting(libc);
        await libc.SetPgidAsync(leader, leader);
        await libc.KillAsync(-leader, 0);
        await libc.Release(gate);
        Assert.Equal(leader, (await libc.Wait4Async(leader)).Pid);
        Assert.Equal(Errno.ESRCH, await PosixHelpers.ErrnoOf(() => libc.KillAsync(-leader, Signal.SIGTERM)));
        return 0;
    });

    // LTP testcases/kernel/syscalls/waitpid (the pid = 0 and pid < -1 cases of waitpid_common.h)
    [Fact]
    public Task Wait4_0_selects_only_children_in_the_callers_group() => RunToSuccess(async libc =>
    {
        var (away, awayGate) = await ForkWaiting(libc);
        await libc.SetPgidAsync(away, away);
        var (home, homeGate) = await ForkWaiting(libc);
        await libc.Release(awayGate, 5);
        await libc.Release(homeGate, 6);

        var first = await libc.Wait4Async(0);
        Assert.Equal((home, WaitStatus.FromExit(6)), (first.Pid, first.Status));
        Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(0)).Error);
        Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(0, WaitOptions.WNOHANG)).Error);
        var second = await libc.Wait4Async(-away);
        Assert.Equal((away, WaitStatus.FromExit(5)), (second.Pid, second.Status));
        return 0;
    });

    // LTP testcases/kernel/syscalls/waitpid (the pid = 0 and pid < -1 cases of waitpid_common.h)
    [Fact]
    public Task Wait4_of_a_negative_pgid_selects_the_children_in_that_group() => RunToSuccess(async libc =>
    {
        var (leader, leaderGate) = await ForkWaiting(libc);
        await libc.SetPgidAsync(leader, leader);
        var (member, memberGate) = await ForkWaiting(libc);
        await libc.SetPgidAsync(member, leader);
        var (outsider, outsiderGate) = await ForkWaiting(libc);

        await libc.Release(outsiderGate, 3);
        Assert.Equal(0, (await libc.Wait4Async(-leader, WaitOptions.WNOHANG)).Pid);
        await libc.Release(memberGate, 2);
        var first = await libc.Wait4Async(-leader);
        Assert.Equal((member, WaitStatus.FromExit(2)), (first.Pid, first.Status));
        await libc.Release(leaderGate, 1);
        var second = await libc.Wait4Async(-leader);
        Assert.Equal((leader, WaitStatus.FromExit(1)), (second.Pid, second.Status));
        Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(-leader)).Error);
        Assert.Equal(outsider, (await libc.Wait4Async(-1)).Pid);
        return 0;
    });

    // POSIX: a group holding no child of the caller is ECHILD at once (Genode 2019 blocked forever).
    [Fact]
    public Task Wait4_of_a_group_without_children_of_the_caller_is_ECHILD_at_once() => RunToSuccess(async libc =>
    {
        var (child, gate) = await ForkWaiting(libc);
        Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(-31_337)).Error);
        var middle = await libc.ForkAsync(async self =>
        {
            await self.SetPgidAsync(0, 0);
            var grandchild = await self.ForkAsync(_ => Task.FromResult(0));
            return (await self.Wait4Async(grandchild)).Pid == grandchild ? 0 : 1;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(middle)).Status);
        Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(-middle)).Error);
        await libc.Release(gate);
        Assert.Equal(child, (await libc.Wait4Async(0)).Pid);
        return 0;
    });

    // LTP testcases/kernel/syscalls/waitpid (children forked before and after the caller changes group)
    [Fact]
    public Task Wait4_of_a_negative_pgid_selects_a_group_the_caller_has_left_and_wait4_0_its_new_group() => RunToSuccess(async libc =>
    {
        var middle = await libc.ForkAsync(async self =>
        {
            await self.SetPgidAsync(0, 0);
            var (early, earlyGate) = await ForkWaiting(self);
            var (leader, leaderGate) = await ForkWaiting(self);
            await self.SetPgidAsync(leader, leader);
            await self.SetPgidAsync(0, leader);
            var (late, lateGate) = await ForkWaiting(self);
            if (await self.GetPgrpAsync() != leader) return 1;

            await self.Release(earlyGate, 11);
            await self.Release(lateGate, 12);
            var first = await self.Wait4Async(0);
            if (first.Pid != late || first.Status != WaitStatus.FromExit(12)) return 2;
            var second = await self.Wait4Async(-self.Pid);
            if (second.Pid != early || second.Status != WaitStatus.FromExit(11)) return 3;
            if ((await self.Wait4Async(-self.Pid)).Error != Errno.ECHILD) return 4;
            if ((await self.Wait4Async(0, WaitOptions.WNOHANG)).Pid != 0) return 5;
            await self.Release(leaderGate, 13);
            return (await self.Wait4Async(0)).Pid == leader ? 0 : 6;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(middle)).Status);
        return 0;
    });

    [Fact]
    public Task A_blocked_wait4_of_a_group_is_answered_by_a_child_moved_into_it_after_the_wait_began() => RunToSuccess(async libc =>
    {
        var (leader, leaderGate) = await ForkWaiting(libc);
        await libc.SetPgidAsync(leader, leader);
        var (late, lateGate) = await ForkWaiting(libc);
        var waiting = libc.Wait4Async(-leader);
        await libc.SetPgidAsync(late, leader);
        await libc.Release(lateGate, 7);
        var result = await waiting;
        Assert.Equal((late, WaitStatus.FromExit(7)), (result.Pid, result.Status));
        await libc.Release(leaderGate);
        Assert.Equal(leader, (await libc.Wait4Async(-leader)).Pid);
        return 0;
    });

    /// <summary>Forks a child that waits for one byte on its own pipe, then runs <paramref name="then"/> or exits with that byte.</summary>
    private static async Task<(int Pid, int Gate)> ForkWaiting(Libc libc, ProcessMain? then = null)
    {
        var (read, write) = await libc.PipeAsync();
        var pid = await libc.ForkAsync(async self =>
        {
            await self.CloseAsync(write);
            var command = new byte[1];
            if (await self.ReadAsync(read, command) != 1) return 100;
            return then is null ? command[0] : await then(self);
        });
        await libc.CloseAsync(read);
        return (pid, write);
    }
}
