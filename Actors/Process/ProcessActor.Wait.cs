using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// wait4: answered at once when a matching child has something to report, with ECHILD when none matches, with
// 0 under WNOHANG; otherwise parked until a child exits, stops or continues, or the program gives up (EINTR).
internal sealed partial class ProcessActor
{
    private const WaitOptions KnownWaitOptions = WaitOptions.WNOHANG | WaitOptions.WUNTRACED | WaitOptions.WCONTINUED;
    private readonly Dictionary<int, ChildEntry> _children = [];
    private readonly List<(Wait4 Request, IActorRef ReplyTo)> _parkedWaits = [];
    private long _exitSequence;
    private int _pgid;

    private bool OnParentRole(object message)
    {
        switch (message)
        {
            case ChildReady ready: Handle(ready); return true;
            case ChildExited exited: Handle(exited); return true;
            case ChildStateChanged changed: Handle(changed); return true;
            case ChildGroupChanged changed: Handle(changed); return true;
            case Adopt adopt: Handle(adopt); return true;
            case ResourceRequest request: Handle(request); return true;
            case SessionRequest request: ForwardToParentService(request); return true;
            case Terminated terminated: Handle(terminated); return true;
            default: return false;
        }
    }

    /// <summary>A child's policy died before the child was reaped (it failed): the child counts as killed.</summary>
    private void Handle(Terminated terminated)
    {
        var child = _children.Values.FirstOrDefault(c => c.Policy.Equals(terminated.ActorRef));
        if (child is null || child.Exit is not null) return;
        Handle(new ChildReady(child.Pid));
        Handle(new ChildExited(child.Pid, WaitStatus.FromSignal(Signal.SIGKILL, false), default, Quota.Zero));
    }

    private void Handle(Wait4 wait)
    {
        if ((wait.Options & ~KnownWaitOptions) != 0)
        {
            // POSIX: unknown option bits are EINVAL (Genode 2019 ignored them).
            Sender.Tell(WaitResult.Failed(Errno.EINVAL));
            return;
        }

        if (wait.Pid == int.MinValue)
        {
            // Linux: -INT_MIN names no group, and wait4 says so with ESRCH.
            Sender.Tell(WaitResult.Failed(Errno.ESRCH));
            return;
        }

        if (TryWait(wait) is { } result) Sender.Tell(result);
        else _parkedWaits.Add((wait, Sender));
    }

    private void Handle(CancelWait cancel)
    {
        var index = _parkedWaits.FindIndex(p => p.Request.RequestId == cancel.RequestId);
        if (index < 0) return;
        var parked = _parkedWaits[index];
        _parkedWaits.RemoveAt(index);
        parked.ReplyTo.Tell(WaitResult.Failed(Errno.EINTR));
    }

    /// <summary>The answer to <paramref name="wait"/> now, or null when it must block.</summary>
    private WaitResult? TryWait(Wait4 wait)
    {
        ChildEntry? zombie = null, reported = null;
        var any = false;
        foreach (var child in _children.Values)
        {
            if (!child.Matches(wait.Pid, _pgid)) continue;
            any = true;
            if (child.Exit is not null)
            {
                if (zombie is null || child.ExitSequence < zombie.ExitSequence) zombie = child;
            }
            else if (reported is null && child.Report is { } report
                     && wait.Options.HasFlag(report.Stopped ? WaitOptions.WUNTRACED : WaitOptions.WCONTINUED))
            {
                reported = child;
            }
        }

        // POSIX: no matching child is ECHILD at once (Genode 2019 blocked forever).
        if (!any) return WaitResult.Failed(Errno.ECHILD);
        if (zombie is not null) return ReapChild(zombie);
        if (reported is not null)
        {
            var status = reported.Report!.Value;
            reported.Report = null;
            return new WaitResult(reported.Pid, status, Errno.None, default);
        }

        // POSIX: WNOHANG with nothing to report returns 0 and leaves the status alone (Genode: -1).
        return wait.Options.HasFlag(WaitOptions.WNOHANG) ? WaitResult.Nothing : null;
    }

    private WaitResult ReapChild(ChildEntry child)
    {
        var exit = child.Exit!;
        _children.Remove(child.Pid);
        Context.Unwatch(child.Policy);
        child.Policy.Tell(Reap.Instance);
        _setup.Core.Tell(new PidReleased(child.Pid));
        _account.Credit(exit.Returned);
        ForkMetrics.Reaps.Add(1);
        return new WaitResult(child.Pid, exit.Status, Errno.None, exit.Usage);
    }

    /// <summary>Something changed among the children: answer every parked wait that can now be answered, in order.</summary>
    private void ServeParkedWaits()
    {
        for (var i = 0; i < _parkedWaits.Count;)
        {
            var (request, replyTo) = _parkedWaits[i];
            if (TryWait(request) is { } result)
            {
                _parkedWaits.RemoveAt(i);
                replyTo.Tell(result);
            }
            else
            {
                i++;
            }
        }
    }

    private void Handle(ChildExited exited)
    {
        if (!_children.TryGetValue(exited.Pid, out var child) || child.Exit is not null) return;
        child.Exit = exited;
        child.ExitSequence = ++_exitSequence;
        child.Report = null;
        Raise(Signal.SIGCHLD);
        ServeParkedWaits();
    }

    private void Handle(ChildStateChanged changed)
    {
        if (!_children.TryGetValue(changed.Pid, out var child) || child.Exit is not null) return;
        child.Report = changed.Status;
        Raise(Signal.SIGCHLD);
        ServeParkedWaits();
    }

    private void Handle(ChildGroupChanged changed)
    {
        if (changed.Pid == Pid) _pgid = changed.Pgid;
        else if (_children.TryGetValue(changed.Pid, out var child)) child.Pgid = changed.Pgid;
        ServeParkedWaits();
    }

    /// <summary>Init takes over an orphan (running or zombie) of a process that ended.</summary>
    private void Handle(Adopt adopt)
    {
        var policy = Context.ActorOf(
            ForkedChild.AdoptedProps(new AdoptedChildSetup(adopt.Pid, adopt.Name, adopt.Process, Pid, _romServices ?? new Dictionary<string, IActorRef>())),
            $"adopted-{adopt.Pid}-{++_childSequence}");
        Context.Watch(policy);
        _children[adopt.Pid] = new ChildEntry(adopt.Pid, policy, adopt.Pgid);
        Sender.Tell(new Adopted(adopt.Pid));
        if (adopt.Status is { } status) Handle(new ChildExited(adopt.Pid, status, adopt.Usage, adopt.Returned));
    }
}
