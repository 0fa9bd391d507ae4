using System.Collections.Concurrent;
using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>Orphans go to init, init reaps them, and the end of init (or a cancelled run) ends the whole namespace.</summary>
public sealed class OrphanSpec : RuntimeSpec
{
    private readonly EndedLines _ended;

    public OrphanSpec(ITestOutputHelper output)
        : this(new EndedLines(output))
    {
    }

    private OrphanSpec(EndedLines ended)
        : base(ended, level: LogLevel.Debug) => _ended = ended;

    // FreeBSD tests/sys/kern/reaper.c, reaper_wait_child_first (init is the reaper)
    [Fact]
    public Task A_running_orphan_is_reparented_to_init_which_reaps_it_after_its_parent() => RunToSuccessLeavingNothing(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            await self.CloseAsync(write);
            await self.ForkAsync(async grandchild =>
            {
                if (await grandchild.ReadAsync(read, new byte[1]) != 0) return 102;
                return await grandchild.GetPpidAsync() == 1 ? 2 : 103;
            });
            return 3;
        });
        Assert.Equal(WaitStatus.FromExit(3), (await libc.Wait4Async(child)).Status);
        await libc.CloseAsync(write);
        var orphan = await libc.Wait4Async(-1);
        Assert.True(orphan.Pid > 1 && orphan.Pid != child, $"wait4(-1) returned {orphan}");
        Assert.Equal(WaitStatus.FromExit(2), orphan.Status);
        Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(-1)).Error);
        return 0;
    });

    // FreeBSD tests/sys/kern/reaper.c, reaper_wait_grandchild_first
    [Fact]
    public Task A_zombie_orphan_is_reaped_by_init_with_the_status_it_had() => RunToSuccessLeavingNothing(async libc =>
    {
        var (report, reportWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            var zombie = false;
            self.SetSignalHandler(Signal.SIGCHLD, _ => zombie = true);
            var grandchild = await self.ForkAsync(_ => Task.FromResult(2));
            // SIGCHLD says the grandchild has ended: it is a zombie of this process now.
            while (!zombie) await self.GetPpidAsync();
            await self.WriteInts(reportWrite, grandchild);
            return 3;
        });
        var grandchildPid = await libc.ReadInt(report);
        Assert.Equal(WaitStatus.FromExit(3), (await libc.Wait4Async(child)).Status);
        var orphan = await libc.Wait4Async(-1);
        Assert.Equal((grandchildPid, WaitStatus.FromExit(2)), (orphan.Pid, orphan.Status));
        Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(-1, WaitOptions.WNOHANG)).Error);
        return 0;
    });

    // POSIX _exit: the children of the process get init as parent (Linux: before the parent can be reaped).
    [Fact]
    public Task An_orphan_is_inits_child_as_soon_as_its_parent_can_be_reaped() => RunToSuccessLeavingNothing(async libc =>
    {
        var (gate, gateWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            await self.ForkAsync(async grandchild => await grandchild.ReadAsync(gate, new byte[1]) == 1 ? 4 : 100);
            return 0;
        });
        Assert.Equal(child, (await libc.Wait4Async(child)).Pid);
        Assert.Equal(0, (await libc.Wait4Async(-1, WaitOptions.WNOHANG)).Pid);
        await libc.WriteAsync(gateWrite, new byte[] { 1 });
        Assert.Equal(WaitStatus.FromExit(4), (await libc.Wait4Async(-1)).Status);
        return 0;
    });

    [Fact]
    public Task A_grandchild_keeps_running_after_its_parent_is_reaped_and_writes_to_a_pipe_init_reads() => RunToSuccessLeavingNothing(async libc =>
    {
        var (report, reportWrite) = await libc.PipeAsync();
        var (gate, gateWrite) = await libc.PipeAsync();
        var (ack, ackWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            await self.ForkAsync(async g =>
            {
                await g.WriteInts(reportWrite, g.Pid, await g.GetPpidAsync());
                await g.WriteAsync(ackWrite, new byte[] { 1 });
                if (await g.ReadAsync(gate, new byte[1]) != 1) return 100;
                await WaitUntilOrphaned(g);
                await g.WriteAsync(reportWrite, "still here"u8.ToArray());
                return 5;
            });
            return await self.ReadAsync(ack, new byte[1]) == 1 ? 0 : 100;
        });
        await libc.CloseAsync(reportWrite);
        var grandchild = await libc.ReadInt(report);
        Assert.Equal(child, await libc.ReadInt(report));
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);

        await libc.WriteAsync(gateWrite, new byte[] { 1 });
        Assert.Equal("still here", await libc.ReadToEnd(report));
        var orphan = await libc.Wait4Async(-1);
        Assert.Equal((grandchild, WaitStatus.FromExit(5)), (orphan.Pid, orphan.Status));
        return 0;
    });

    // LTP testcases/kernel/syscalls/waitpid/waitpid06.c (every forked pid comes back from waitpid once), for orphans
    [Fact]
    public Task Init_reports_each_orphan_exactly_once_with_its_own_status() => RunToSuccessLeavingNothing(async libc =>
    {
        var (report, reportWrite) = await libc.PipeAsync();
        var (gate, gateWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            var first = await self.ForkAsync(_ => Task.FromResult(21));
            var second = await self.ForkAsync(_ => Task.FromResult(22));
            var third = await self.ForkAsync(async g =>
            {
                await WaitUntilOrphaned(g);
                await g.WriteAsync(reportWrite, new byte[] { 1 });
                return await g.ReadAsync(gate, new byte[1]) == 1 ? 23 : 100;
            });
            await self.WriteInts(reportWrite, first, second, third);
            return 0;
        });
        var expected = new Dictionary<int, WaitStatus>
        {
            [await libc.ReadInt(report)] = WaitStatus.FromExit(21),
            [await libc.ReadInt(report)] = WaitStatus.FromExit(22),
            [await libc.ReadInt(report)] = WaitStatus.FromExit(23),
        };
        Assert.Equal(child, (await libc.Wait4Async(child)).Pid);
        // The running orphan is init's now: until it is released, wait4(-1) blocks rather than failing.
        Assert.Equal(1, await libc.ReadAsync(report, new byte[1]));

        var reported = new Dictionary<int, WaitStatus>();
        for (var i = 0; i < 3; i++)
        {
            if (i == 2) await libc.WriteAsync(gateWrite, new byte[] { 1 });
            var result = await libc.Wait4Async(-1);
            Assert.True(reported.TryAdd(result.Pid, result.Status), $"{result} came twice or is an error");
        }

        Assert.Equal(expected.OrderBy(e => e.Key), reported.OrderBy(e => e.Key));
        Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(-1)).Error);
        return 0;
    });

    [Fact]
    public Task Orphans_of_an_orphan_go_to_init_too() => RunToSuccessLeavingNothing(async libc =>
    {
        var (report, reportWrite) = await libc.PipeAsync();
        var (gate, gateWrite) = await libc.PipeAsync();
        var (childAlive, childAliveWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            var (forked, forkedWrite) = await self.PipeAsync();
            await self.ForkAsync(async g =>
            {
                await g.CloseAsync(childAliveWrite);
                var greatGrandchild = await g.ForkAsync(async gg =>
                {
                    if (await gg.ReadAsync(gate, new byte[1]) != 1) return 100;
                    await WaitUntilOrphaned(gg);
                    await gg.WriteAsync(reportWrite, new byte[] { 1 });
                    return 6;
                });
                await g.WriteInts(reportWrite, g.Pid, greatGrandchild);
                await g.WriteAsync(forkedWrite, new byte[] { 1 });
                // EOF once the child, the last holder of the write end, has ended.
                if (await g.ReadAsync(childAlive, new byte[1]) != 0) return 101;
                await WaitUntilOrphaned(g);
                await g.WriteAsync(reportWrite, new byte[] { 1 });
                return 4;
            });
            return await self.ReadAsync(forked, new byte[1]) == 1 ? 0 : 100;
        });
        await libc.CloseAsync(childAliveWrite);
        var grandchild = await libc.ReadInt(report);
        var greatGrandchild = await libc.ReadInt(report);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal(1, await libc.ReadAsync(report, new byte[1]));

        var first = await libc.Wait4Async(-1);
        Assert.Equal((grandchild, WaitStatus.FromExit(4)), (first.Pid, first.Status));
        await libc.WriteAsync(gateWrite, new byte[] { 1 });
        Assert.Equal(1, await libc.ReadAsync(report, new byte[1]));
        var second = await libc.Wait4Async(-1);
        Assert.Equal((greatGrandchild, WaitStatus.FromExit(6)), (second.Pid, second.Status));
        return 0;
    });

    [Fact]
    public Task A_process_can_fork_right_after_its_parent_has_exited() => RunToSuccessLeavingNothing(async libc =>
    {
        var (report, reportWrite) = await libc.PipeAsync();
        var (childAlive, childAliveWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            await self.ForkAsync(async g =>
            {
                await g.CloseAsync(childAliveWrite);
                if (await g.ReadAsync(childAlive, new byte[1]) != 0) return 100;
                // The parent has ended; its reparenting to init may still be under way.
                var greatGrandchild = await g.ForkAsync(_ => Task.FromResult(6));
                var status = (await g.Wait4Async(greatGrandchild)).Status;
                await WaitUntilOrphaned(g);
                await g.WriteInts(reportWrite, status.Raw);
                return 4;
            });
            return 0;
        });
        await libc.CloseAsync(childAliveWrite);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal(WaitStatus.FromExit(6), new WaitStatus(await libc.ReadInt(report)));
        Assert.Equal(WaitStatus.FromExit(4), (await libc.Wait4Async(-1)).Status);
        return 0;
    });

    [Fact]
    public Task A_process_can_fork_while_its_parent_is_exiting() => RunToSuccessLeavingNothing(async libc =>
    {
        var (report, reportWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            await self.ForkAsync(async g =>
            {
                var greatGrandchild = await g.ForkAsync(_ => Task.FromResult(6));
                var status = (await g.Wait4Async(greatGrandchild)).Status;
                await WaitUntilOrphaned(g);
                await g.WriteInts(reportWrite, status.Raw);
                return 4;
            });
            return 0;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal(WaitStatus.FromExit(6), new WaitStatus(await libc.ReadInt(report)));
        Assert.Equal(WaitStatus.FromExit(4), (await libc.Wait4Async(-1)).Status);
        return 0;
    });

    [Fact]
    public Task An_orphan_keeps_its_process_group_and_init_can_wait_for_that_group() => RunToSuccessLeavingNothing(async libc =>
    {
        var (report, reportWrite) = await libc.PipeAsync();
        var (gate, gateWrite) = await libc.PipeAsync();
        var (childAlive, childAliveWrite) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async self =>
        {
            await self.SetPgidAsync(0, 0);
            await self.ForkAsync(async g =>
            {
                await g.CloseAsync(childAliveWrite);
                if (await g.ReadAsync(childAlive, new byte[1]) != 0) return 100;
                await WaitUntilOrphaned(g);
                await g.WriteInts(reportWrite, await g.GetPgrpAsync());
                return await g.ReadAsync(gate, new byte[1]) == 1 ? 7 : 101;
            });
            return 0;
        });
        await libc.CloseAsync(childAliveWrite);
        Assert.Equal(child, (await libc.Wait4Async(child)).Pid);
        Assert.Equal(child, await libc.ReadInt(report));
        Assert.Equal(0, (await libc.Wait4Async(-child, WaitOptions.WNOHANG)).Pid);
        Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(0, WaitOptions.WNOHANG)).Error);
        await libc.WriteAsync(gateWrite, new byte[] { 1 });
        Assert.Equal(WaitStatus.FromExit(7), (await libc.Wait4Async(-child)).Status);
        return 0;
    });

    [Fact]
    public async Task When_init_exits_every_process_left_is_killed_with_SIGKILL_and_reaped_before_RunAsync_completes()
    {
        var ended = new ConcurrentDictionary<int, bool>();
        var status = await Run(async libc =>
        {
            var (ready, readyWrite) = await libc.PipeAsync();
            await libc.ForkAsync(async self =>
            {
                self.Cancellation.Register(() => ended[self.Pid] = true);
                var (forever, _) = await self.PipeAsync();
                await self.ForkAsync(async g =>
                {
                    g.Cancellation.Register(() => ended[g.Pid] = true);
                    await g.WriteAsync(readyWrite, new byte[] { 1 });
                    await g.ReadAsync(forever, new byte[1]);
                    return 100;
                });
                await self.ReadAsync(forever, new byte[1]);
                return 101;
            });
            await libc.ForkAsync(_ => Task.FromResult(1));
            Assert.Equal(1, await libc.ReadAsync(ready, new byte[1]));
            return 42;
        });

        Assert.Equal(WaitStatus.FromExit(42), status);
        Assert.Equal(2, ended.Count);
        Assert.All(ended.Keys, pid => Assert.Equal("killed(SIGKILL)", _ended.StatusOf(pid)));
        await AssertNoActorsLeft();
    }

    [Fact]
    public async Task When_init_exits_a_stopped_process_and_one_blocked_in_wait4_are_killed_too()
    {
        var ended = new ConcurrentDictionary<int, bool>();
        var status = await Run(async libc =>
        {
            var (ready, readyWrite) = await libc.PipeAsync();
            var stopped = await libc.ForkAsync(async self =>
            {
                self.Cancellation.Register(() => ended[self.Pid] = true);
                await self.WriteAsync(readyWrite, new byte[] { 1 });
                var (forever, _) = await self.PipeAsync();
                await self.ReadAsync(forever, new byte[1]);
                return 100;
            });
            // The child has registered before it is stopped (a killed program may run its first lines late).
            Assert.Equal(1, await libc.ReadAsync(ready, new byte[1]));
            await libc.KillAsync(stopped, Signal.SIGSTOP);
            Assert.True((await libc.Wait4Async(stopped, WaitOptions.WUNTRACED)).Status.Stopped);
            await libc.ForkAsync(async self =>
            {
                self.Cancellation.Register(() => ended[self.Pid] = true);
                var (forever, _) = await self.PipeAsync();
                var blocked = await self.ForkAsync(async g => await g.ReadAsync(forever, new byte[1]));
                await self.WriteAsync(readyWrite, new byte[] { 1 });
                await self.Wait4Async(blocked);
                return 101;
            });
            Assert.Equal(1, await libc.ReadAsync(ready, new byte[1]));
            return 7;
        });

        Assert.Equal(WaitStatus.FromExit(7), status);
        Assert.Equal(2, ended.Count);
        Assert.All(ended.Keys, pid => Assert.Equal("killed(SIGKILL)", _ended.StatusOf(pid)));
        await AssertNoActorsLeft();
    }

    [Fact]
    public async Task A_child_reaped_just_before_init_exits_leaves_no_actor_behind()
    {
        for (var i = 0; i < 30; i++)
        {
            await RunToSuccessLeavingNothing(async libc =>
            {
                var child = await libc.ForkAsync(_ => Task.FromResult(0));
                return (await libc.Wait4Async(child)).Pid == child ? 0 : 1;
            });
        }
    }

    [Fact]
    public async Task RunAsync_with_a_token_cancelled_before_the_start_ends_init_by_SIGKILL()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var status = await Runtime.RunAsync(async libc =>
        {
            var (forever, _) = await libc.PipeAsync();
            await libc.ReadAsync(forever, new byte[1]);
            return 0;
        }, null, cancelled.Token).WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, coreDumped: false), status);
        await AssertNoActorsLeft();
    }

    [Fact]
    public async Task Cancelling_RunAsync_kills_init_by_SIGKILL_and_ends_every_process_of_the_namespace()
    {
        using var cancel = new CancellationTokenSource();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new ConcurrentDictionary<int, bool>();
        var run = Runtime.RunAsync(async libc =>
        {
            var (forever, _) = await libc.PipeAsync();
            var (started, startedWrite) = await libc.PipeAsync();
            for (var i = 0; i < 3; i++)
            {
                await libc.ForkAsync(async self =>
                {
                    self.Cancellation.Register(() => ended[self.Pid] = true);
                    await self.WriteAsync(startedWrite, new byte[] { 1 });
                    await self.ReadAsync(forever, new byte[1]);
                    return 100;
                });
            }

            for (var i = 0; i < 3; i++) await libc.ReadAsync(started, new byte[1]);
            ready.SetResult();
            await libc.ReadAsync(forever, new byte[1]);
            return 0;
        }, null, cancel.Token);

        await ready.Task.WaitAsync(Bound);
        await cancel.CancelAsync();
        var status = await run.WaitAsync(Bound);

        Assert.Equal(WaitStatus.FromSignal(Signal.SIGKILL, coreDumped: false), status);
        Assert.Equal(3, ended.Count);
        Assert.All(ended.Keys, pid => Assert.Equal("killed(SIGKILL)", _ended.StatusOf(pid)));
        await AssertNoActorsLeft();
    }

    /// <summary>Runs <paramref name="init"/> to exit 0, then asserts the namespace left no actor behind.</summary>
    private async Task RunToSuccessLeavingNothing(ProcessMain init)
    {
        await RunToSuccess(init);
        await AssertNoActorsLeft();
    }

    /// <summary>The classic orphan check: poll getppid until init has adopted the caller (bounded by the run's bound).</summary>
    private static async Task WaitUntilOrphaned(Libc libc)
    {
        while (await libc.GetPpidAsync() != 1)
        {
        }
    }

    /// <summary>
    /// The test's output without the Debug trace, remembering the runtime's "process N ended: status" lines: the only
    /// place the status of a process nobody reaps by wait4 (killed as the namespace ends) can be seen.
    /// </summary>
    private sealed class EndedLines(ITestOutputHelper output) : ITestOutputHelper
    {
        private const string Marker = " ended: ";
        private readonly ConcurrentDictionary<int, string> _status = new();

        public string? StatusOf(int pid) => _status.GetValueOrDefault(pid);

        public void WriteLine(string message)
        {
            var at = message.IndexOf(Marker, StringComparison.Ordinal);
            var process = at < 0 ? -1 : message.LastIndexOf("process ", at, StringComparison.Ordinal);
            if (process >= 0 && int.TryParse(message.AsSpan(process + 8, at - process - 8), out var pid))
            {
                _status[pid] = message[(at + Marker.Length)..].Trim();
            }

            if (!message.StartsWith("Debug", StringComparison.Ordinal)) output.WriteLine(message);
        }

        public void WriteLine(string format, params object[] args) => WriteLine(string.Format(format, args));
    }
}
