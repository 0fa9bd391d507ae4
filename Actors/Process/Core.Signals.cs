using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// kill and process groups, resolved against the namespace's process table.
internal sealed partial class Core
{
    private void Handle(KillRequest kill)
    {
        if (!Signals.IsValid(kill.Signal))
        {
            Sender.Tell(new LibcError(Errno.EINVAL, $"{(int)kill.Signal} is not a signal"));
            return;
        }

        var callerGroup = _table[kill.FromPid]?.Pgid ?? 0;
        var targets = _table.Entries.Where(e => kill.Target switch
        {
            > 0 => e.Key == kill.Target,
            0 => e.Value.Pgid == callerGroup,
            -1 => e.Key != 1,
            int.MinValue => false,
            _ => e.Value.Pgid == -kill.Target,
        }).Select(e => e.Value).ToList();
        if (targets.Count == 0)
        {
            Sender.Tell(new LibcError(Errno.ESRCH, $"no process matches {kill.Target}"));
            return;
        }

        // A zombie accepts any signal and keeps its status.
        var signal = new DeliverSignal(kill.Signal, kill.FromPid);
        foreach (var target in targets) target.Deliver(signal);
        // POSIX: a signal a process sends itself is delivered before kill returns, so the answer goes through the caller's
        // process, behind the signal (whose handler then runs as the call returns).
        if (_table[kill.FromPid] is { Process: { } caller } self && targets.Contains(self)) caller.Tell(SignalSent.Instance, Sender);
        else Sender.Tell(LibcOk.Zero);
    }

    /// <summary>POSIX setpgid: the caller or one of its children, into a group of the caller's session.</summary>
    private void Handle(SetPgidRequest request)
    {
        var pid = request.Pid == 0 ? request.CallerPid : request.Pid;
        var pgid = request.Pgid == 0 ? pid : request.Pgid;
        var entry = _table[pid];
        LibcError? error = request.Pid < 0 || request.Pgid < 0 ? new(Errno.EINVAL, "pid and pgid cannot be negative")
            : entry is null || (pid != request.CallerPid && entry.Ppid != request.CallerPid) || !entry.Alive
                ? new(Errno.ESRCH, $"process {pid} is neither the caller nor a child of it")
            : pid == 1 ? new(Errno.EPERM, "init leads the namespace's session and cannot change group")
            : pgid != pid && !_table.GroupExists(pgid) ? new(Errno.EPERM, $"there is no process group {pgid}")
            : null;
        if (error is not null)
        {
            Sender.Tell(error);
            return;
        }

        _table.MoveToGroup(entry!, pgid);
        var changed = new ChildGroupChanged(pid, pgid);
        entry!.Process?.Tell(changed);
        _table[entry.Ppid]?.Process?.Tell(changed);
        Sender.Tell(LibcOk.Zero);
    }
}
