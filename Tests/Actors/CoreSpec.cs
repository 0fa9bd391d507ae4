using Akka.Actor;
using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// The root of a pid namespace: pid allocation (mostly on <see cref="ProcessTable"/> itself) and kill resolution
/// through a <see cref="Core"/> whose init is a real process.
/// </summary>
public sealed class CoreSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    public CoreSpec(ITestOutputHelper output)
        : base((ActorSystem?)null, output)
    {
        ForkTracing.Use(Sys, TestOutputLoggerProvider.Factory(output, LogLevel.Debug));
    }

    [Fact]
    public void Pids_count_up_from_2_in_the_parents_group()
    {
        var table = TableWithInit(100);

        Assert.Equal([2, 3, 4], [table.Allocate(1, 1), table.Allocate(1, 1), table.Allocate(2, 1)]);
        Assert.Equal(2, table[4]!.Ppid);
        Assert.Equal(1, table[4]!.Pgid);
        Assert.Equal(4, table.Count);
    }

    [Fact]
    public void Just_released_pid_is_not_handed_out_at_once()
    {
        var table = TableWithInit(100);
        table.Allocate(1, 1);
        var released = table.Allocate(1, 1)!.Value;

        table.Release(released);

        Assert.Equal(released + 1, table.Allocate(1, 1));
        Assert.Null(table[released]);
    }

    [Fact]
    public void Allocation_wraps_below_PidMax_and_skips_pids_in_use()
    {
        var table = TableWithInit(6);
        Assert.Equal([2, 3, 4, 5], [table.Allocate(1, 1), table.Allocate(1, 1), table.Allocate(1, 1), table.Allocate(1, 1)]);

        table.Release(3);

        Assert.Equal(3, table.Allocate(1, 1));
    }

    [Fact]
    public void Group_id_in_use_is_skipped_after_its_leader_is_gone()
    {
        var table = TableWithInit(6);
        var leader = table.Allocate(1, 1)!.Value;
        table.MoveToGroup(table[leader]!, leader);
        var member = table.Allocate(leader, leader)!.Value;
        table.Release(leader);
        table.Allocate(1, 1);
        table.Allocate(1, 1);

        // 2 leads a group that 3 is still in, so the next pid after the wrap is not 2.
        Assert.True(table.GroupExists(leader));
        Assert.Null(table.Allocate(1, 1));
        table.Release(member);
        Assert.Equal(leader, table.Allocate(1, 1));
    }

    [Fact]
    public void No_pid_is_handed_out_when_every_pid_is_taken()
    {
        var table = TableWithInit(4);
        table.Allocate(1, 1);
        table.Allocate(1, 1);

        Assert.Null(table.Allocate(1, 1));
        Assert.Equal(3, table.Count);
    }

    [Fact]
    public void Core_answers_EAGAIN_when_every_pid_is_in_use()
    {
        var core = StartCore(IdleInit(), pidMax: 3);

        core.Tell(new AllocatePid(1), TestActor);
        ExpectMsg(new PidAllocated(2, 1));
        core.Tell(new AllocatePid(1), TestActor);

        ExpectMsg<PidRefused>(e => e.Reason.Contains("PidMax"));
    }

    [Fact]
    public void Kill_of_a_pid_nobody_holds_is_ESRCH()
    {
        var core = StartCore(IdleInit());

        core.Tell(new KillRequest(1, 99, Signal.SIGTERM), TestActor);
        ExpectMsg<LibcError>(e => e.Errno == Errno.ESRCH);
        core.Tell(new KillRequest(1, -1, Signal.SIGTERM), TestActor);
        ExpectMsg<LibcError>(e => e.Errno == Errno.ESRCH);
    }

    [Fact]
    public void Kill_with_a_number_that_is_no_signal_is_EINVAL()
    {
        var core = StartCore(IdleInit());

        core.Tell(new KillRequest(1, 1, (Signal)(Signals.Max + 1)), TestActor);

        ExpectMsg<LibcError>(e => e.Errno == Errno.EINVAL);
    }

    [Fact]
    public async Task Signal_0_checks_existence_and_delivers_nothing()
    {
        var done = new TaskCompletionSource<WaitStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var core = StartCore(IdleInit(), done: done);

        core.Tell(new KillRequest(1, 1, 0), TestActor);
        await ExpectMsgAsync(LibcOk.Zero);
        // From outside the namespace (pid 0): init is shielded only from its own namespace's signals.
        core.Tell(new KillRequest(0, 1, Signal.SIGTERM), TestActor);
        await ExpectMsgAsync(LibcOk.Zero);

        Assert.Equal(WaitStatus.FromSignal(Signal.SIGTERM, false), await done.Task.WaitAsync(Bound));
    }

    [Theory]
    [InlineData(Signal.SIGTERM, false)]
    [InlineData(Signal.SIGQUIT, true)]
    public async Task Kill_reaches_a_forked_child_and_its_parent_reaps_the_signal(Signal signal, bool core)
    {
        var childPid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reaped = new TaskCompletionSource<WaitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var namespaceCore = StartCore(async libc =>
        {
            var pid = await libc.ForkAsync(BlockOnOwnPipe);
            childPid.SetResult(pid);
            reaped.SetResult(await libc.Wait4Async(pid));
            return await BlockOnOwnPipe(libc);
        });
        var target = await childPid.Task.WaitAsync(Bound);

        namespaceCore.Tell(new KillRequest(1, target, signal), TestActor);
        await ExpectMsgAsync(LibcOk.Zero);

        var result = await reaped.Task.WaitAsync(Bound);
        Assert.Equal(target, result.Pid);
        Assert.Equal(WaitStatus.FromSignal(signal, core), result.Status);
        namespaceCore.Tell(new KillRequest(1, target, signal), TestActor);
        await ExpectMsgAsync<LibcError>(e => e.Errno == Errno.ESRCH);
    }

    [Fact]
    public void A_pid_released_by_message_is_free_when_the_core_answers()
    {
        var table = new ProcessTable(100);
        var core = StartCore(IdleInit(), table: table);

        core.Tell(new AllocatePid(1, 7), TestActor);
        ExpectMsg(new PidAllocated(2, 1, 7));
        core.Tell(new ReleasePid(2), TestActor);

        ExpectMsg(new PidReleased(2));
        Assert.Null(table[2]);
    }

    [Fact]
    public void The_children_of_a_process_lost_with_its_node_are_inits_when_the_core_answers()
    {
        var table = new ProcessTable(100);
        var core = StartCore(IdleInit(), table: table);
        var lost = CreateTestProbe();
        var child = CreateTestProbe();
        core.Tell(new AllocatePid(1), TestActor);
        ExpectMsg(new PidAllocated(2, 1));
        core.Tell(new AllocatePid(2), TestActor);
        ExpectMsg(new PidAllocated(3, 1));
        core.Tell(new ProcessStarted(2, lost.Ref));
        core.Tell(new ProcessStarted(3, child.Ref));

        core.Tell(new ProcessLost(2, lost.Ref), TestActor);

        ExpectMsg(new ProcessLost(2, lost.Ref));
        Assert.Equal(1, table[3]!.Ppid);
        Assert.False(table[2]!.Alive);
        // Init's policy takes the child over.
        child.ExpectMsg<Reparented>(r => r.Ppid == 1, Bound);
    }

    [Fact]
    public void An_orphan_that_asks_itself_for_a_pid_it_does_not_hold_is_ended()
    {
        var core = StartCore(IdleInit());

        core.Tell(new Adopt(5, "5", TestActor, null, default, Quota.Zero), TestActor);

        ExpectMsg(new DeliverSignal(Signal.SIGKILL, 0));
        ExpectMsg(Reap.Instance);
    }

    private static ProcessTable TableWithInit(int pidMax)
    {
        var table = new ProcessTable(pidMax);
        table.AddInit();
        return table;
    }

    /// <summary>A program that blocks reading a pipe whose write end it holds itself: only a signal ends it.</summary>
    private static async Task<int> BlockOnOwnPipe(Libc libc)
    {
        var (read, _) = await libc.PipeAsync();
        await libc.ReadAsync(read, new byte[1]);
        return 0;
    }

    private static ProcessMain IdleInit() => BlockOnOwnPipe;

    private IActorRef StartCore(ProcessMain init, int pidMax = 4_194_304, TaskCompletionSource<WaitStatus>? done = null, ProcessTable? table = null)
    {
        var options = new ForkRuntimeOptions { PidMax = pidMax };
        var runtime = new RuntimeContext(options, ProgramRegistry.WithBuiltIns(), new ProcessOptions());
        var setup = new CoreSetup(runtime, new ProgramEntry("init", init), done ?? new TaskCompletionSource<WaitStatus>()) { Table = table };
        return Sys.ActorOf(Core.Props(setup), "namespace");
    }
}
