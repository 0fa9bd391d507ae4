using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// Processes on other nodes than the namespace's: they cannot reach its table, so the core does for them by message what
// the processes beside it do in the table themselves (release a reaped child's pid, keep what /proc shows), and it
// watches them, so that a process lost with its node whose parent was lost too still ends up reaped, by init.
internal sealed partial class Core
{
    // The processes on other nodes, by actor: the pid each holds.
    private readonly Dictionary<IActorRef, int> _away = [];

    private void Watch(int pid, IActorRef process)
    {
        if (!process.Path.Address.HasGlobalScope) return;
        _away[process] = pid;
        Context.Watch(process);
    }

    /// <summary>
    /// A reaper away from the table releases the pid it holds: nobody else can release it meanwhile, so the pid named is
    /// still the reaper's child's. The answer tells the reaper that /proc no longer lists it.
    /// </summary>
    private void Handle(ReleasePid release)
    {
        _table.Release(release.Pid);
        Sender.Tell(new PidReleased(release.Pid));
        CheckEmpty();
    }

    /// <summary>A process away from here shows in /proc what it last said of itself, and the node it runs on.</summary>
    private void Handle(ProcessViewChanged changed)
    {
        if (_table[changed.Pid] is not { } entry || entry.Process?.Equals(Sender) != true) return;
        var view = entry.View ??= new ProcessView(changed.Command) { Node = Sender.Path.Address };
        view.Report(changed.Command, changed.Stopped, changed.ResidentBytes, changed.End);
    }

    /// <summary>
    /// A policy's process was lost with its node: its children go to init before the policy reports it (the answer says
    /// they have).
    /// </summary>
    private void Handle(ProcessLost lost)
    {
        if (_table[lost.Pid] is { } entry && lost.Process.Equals(entry.Process)) Lost(lost.Pid, entry, lost.Process.Path.Address);
        Sender.Tell(lost);
    }

    /// <summary>
    /// A process on another node is gone before it was reaped (lost with its node, or stopped with it): its children go to
    /// init, and when its parent was lost too (reaped already, or on a node that is gone), nobody is left to reap it but
    /// init, which adopts it killed by SIGKILL. A parent that lives has its own policy watching the process, which reports
    /// it the same way. One that was reaped has left the table already.
    /// </summary>
    private void Handle(Terminated terminated)
    {
        if (!_away.Remove(terminated.ActorRef, out var pid) || _table[pid] is not { } entry || !terminated.ActorRef.Equals(entry.Process)) return;
        var node = terminated.ActorRef.Path.Address;
        Lost(pid, entry, node);
        if (entry.Ppid == 1 || !IsLost(_table[entry.Ppid]?.Process, node)) return;
        entry.Ppid = 1;
        _init.Tell(new Adopt(pid, pid.ToString(), terminated.ActorRef, Killed, default, Quota.Zero, entry.Pgid));
    }

    private static readonly WaitStatus Killed = WaitStatus.FromSignal(Signal.SIGKILL, false);

    /// <summary>
    /// The process at <paramref name="pid"/> is lost with <paramref name="node"/>: each of its children goes to init, as
    /// an orphan does (POSIX). One that went with the node (or had not started) is adopted killed by SIGKILL; one that
    /// runs elsewhere is adopted as it is, and says how it is doing to init's policy. Done once: they are init's after.
    /// </summary>
    private void Lost(int pid, ProcessTable.Entry entry, Address node)
    {
        entry.Alive = false;
        foreach (var (childPid, child) in _table.Entries)
        {
            if (child.Ppid != pid || childPid == pid) continue;
            child.Ppid = 1;
            var gone = child.Process is null || child.Process.Path.Address.Equals(node);
            _init.Tell(new Adopt(childPid, childPid.ToString(), child.Process ?? ActorRefs.Nobody, gone ? Killed : null, default, Quota.Zero, child.Pgid));
        }
    }

    /// <summary>Whether a parent is gone: reaped (none), on the node that was lost, or on another node and seen gone.</summary>
    private bool IsLost(IActorRef? parent, Address node) =>
        parent is null || parent.Path.Address.Equals(node) || (parent.Path.Address.HasGlobalScope && !_away.ContainsKey(parent));
}
