using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// A process on another node than its namespace's, or whose parent is on another node than itself. Away from the
// namespace it has no table: its children's pids come from the core and go back to it (ProcessActor.Fork), and the core
// keeps what /proc shows of it from what it says here. Apart from its parent it watches its policy: when the policy's
// node is lost it asks the core to go to init itself, besides what the core does when it sees the parent gone (the core
// adopts it once, while it holds its pid, and ends a process that holds none).
internal sealed partial class ProcessActor
{
    private ProcessExited? _exited;

    /// <summary>The policy (and so the parent) runs on another node than this process.</summary>
    private bool PolicyElsewhere => _policy.Path.Address.HasGlobalScope;

    /// <summary>Away from its namespace's node the core keeps what /proc shows of this process: tell it what changed.</summary>
    private void ShowAway()
    {
        if (!_setup.Remote) return;
        var end = _view.End;
        _setup.Core.Tell(new ProcessViewChanged(Pid, _view.Command, _view.Stopped, end?.ResidentBytes ?? _view.ResidentBytes, end?.Status));
    }

    /// <summary>
    /// The policy on another node is gone (with its node, or the parent gave up the fork): this process asks the core to
    /// go to init, as an orphan does (POSIX), a zombie with its status. One still booting cannot boot without its policy:
    /// it ends, killed. The core hands it to init while it holds its pid, and ends it otherwise.
    /// </summary>
    private void ParentGone()
    {
        Log.ParentGone(_log, Pid, _policy.Path.Address.ToString());
        if (Behaviour == nameof(Booting)) Terminate(WaitStatus.FromSignal(Signal.SIGKILL, coreDumped: false));
        _setup.Core.Tell(new Adopt(Pid, _setup.Name, Self, _exited?.Status, _exited?.Usage ?? default, _exited?.Returned ?? Quota.Zero));
    }

    /// <summary>A new policy after reparenting: the one on another node is watched, the old one no longer.</summary>
    private void WatchPolicy(IActorRef old)
    {
        Context.Unwatch(old);
        if (PolicyElsewhere) Context.Watch(_policy);
    }
}
