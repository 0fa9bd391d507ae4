using Akka.Actor;
using Fork.Actors;
using Fork.Messages;
using Xunit;

namespace Fork.Tests;

/// <summary>The registry of a process's children alone: what wait4 gets for each selector, option and state.</summary>
public sealed class ChildRegistrySpec
{
    private const int Group = 1;

    private static ChildRegistry With(params (int Pid, int Pgid)[] children)
    {
        var registry = new ChildRegistry();
        foreach (var (pid, pgid) in children) registry.Add(pid, ActorRefs.Nobody, pgid);
        return registry;
    }

    private static ChildExited Exit(int pid, int code) => new(pid, WaitStatus.FromExit(code), default, Quota.Zero);

    [Fact]
    public void No_child_is_ECHILD_and_a_live_child_blocks_or_under_WNOHANG_is_nothing()
    {
        var registry = With((2, Group));

        Assert.Equal(WaitOutcome.NoChild, registry.Decide(3, WaitOptions.None, Group).Outcome);
        Assert.Equal(WaitOutcome.Block, registry.Decide(-1, WaitOptions.None, Group).Outcome);
        Assert.Equal(WaitOutcome.Nothing, registry.Decide(2, WaitOptions.WNOHANG, Group).Outcome);
    }

    [Fact]
    public void The_longest_dead_zombie_is_reaped_first_and_stays_until_removed()
    {
        var registry = With((2, Group), (3, Group), (4, Group));
        registry.Exited(Exit(4, 0));
        registry.Exited(Exit(2, 0));

        var first = registry.Decide(-1, WaitOptions.None, Group);
        Assert.Equal((WaitOutcome.Reap, 4), (first.Outcome, first.Child!.Pid));
        Assert.Equal(4, registry.Decide(-1, WaitOptions.None, Group).Child!.Pid);
        registry.Remove(4);
        Assert.Equal(2, registry.Decide(-1, WaitOptions.None, Group).Child!.Pid);
        Assert.Equal([2], registry.Zombies().Select(z => z.Pid));
    }

    [Fact]
    public void An_exit_is_recorded_once()
    {
        var registry = With((2, Group));

        Assert.True(registry.Exited(Exit(2, 1)));
        Assert.False(registry.Exited(Exit(2, 2)));
        Assert.False(registry.Exited(Exit(9, 0)));
        Assert.Equal(WaitStatus.FromExit(1), registry.Decide(2, WaitOptions.None, Group).Child!.Exit!.Status);
    }

    [Fact]
    public void A_stop_is_reported_once_and_only_under_WUNTRACED()
    {
        var registry = With((2, Group));
        registry.StateChanged(2, WaitStatus.FromStop(Signal.SIGSTOP));

        Assert.Equal(WaitOutcome.Nothing, registry.Decide(2, WaitOptions.WNOHANG | WaitOptions.WCONTINUED, Group).Outcome);
        var report = registry.Decide(2, WaitOptions.WUNTRACED, Group);
        Assert.Equal((WaitOutcome.Report, WaitStatus.FromStop(Signal.SIGSTOP)), (report.Outcome, report.Status));
        Assert.Equal(WaitOutcome.Nothing, registry.Decide(2, WaitOptions.WUNTRACED | WaitOptions.WNOHANG, Group).Outcome);
    }

    [Fact]
    public void An_exit_replaces_an_unreported_stop()
    {
        var registry = With((2, Group));
        registry.StateChanged(2, WaitStatus.FromStop(Signal.SIGTSTP));
        registry.Exited(Exit(2, 5));

        Assert.False(registry.StateChanged(2, WaitStatus.ContinuedStatus));
        var decision = registry.Decide(2, WaitOptions.WUNTRACED, Group);
        Assert.Equal(WaitOutcome.Reap, decision.Outcome);
    }

    [Fact]
    public void Group_selectors_follow_the_children_groups_as_they_change()
    {
        var registry = With((2, Group), (3, 7));
        registry.Exited(Exit(3, 0));

        Assert.Equal(WaitOutcome.Block, registry.Decide(0, WaitOptions.None, Group).Outcome);
        Assert.Equal(3, registry.Decide(-7, WaitOptions.None, Group).Child!.Pid);
        registry.GroupChanged(2, 7);
        registry.Remove(3);
        Assert.Equal(WaitOutcome.NoChild, registry.Decide(0, WaitOptions.None, Group).Outcome);
        Assert.Equal(WaitOutcome.Block, registry.Decide(-7, WaitOptions.None, Group).Outcome);
        Assert.Equal(WaitOutcome.NoChild, registry.Decide(int.MinValue, WaitOptions.None, Group).Outcome);
    }
}
