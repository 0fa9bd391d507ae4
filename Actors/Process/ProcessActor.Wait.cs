using System.Diagnostics;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// wait4: answered at once when a matching child has something to report, with ECHILD when none matches, with
// 0 under WNOHANG; otherwise parked until a child exits, stops or continues, or the program gives up (EINTR).
internal sealed partial class ProcessActor
{
    private readonly ChildRegistry _children = new();
    private readonly List<ParkedWait> _parkedWaits = [];
    // Away from the namespace's table: the reaped children whose pids the core is releasing, with the wait4 that reaped
    // each once it is known. That wait4 returns when the core says the pid is free, so /proc no longer lists the child
    // when the caller looks, as beside the table.
    private readonly Dictionary<int, (ParkedWait Wait, WaitResult Result)?> _releasing = [];
    private int _pgid;

    private bool OnParentRole(object message)
    {
        switch (message)
        {
            case ChildReady ready: Handle(ready); return true;
            case ProcessSpawned spawned: Handle(spawned); return true;
            case PidAllocated allocated: Handle(allocated); return true;
            case PidRefused refused: Handle(refused); return true;
            case PidReleased released: Handle(released); return true;
            case SpawnRefused refused: Handle(refused); return true;
            case SpawnTimedOut timedOut: Handle(timedOut); return true;
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
        var child = _children.ByPolicy(terminated.ActorRef);
        if (child is null || child.Exit is not null) return;
        Handle(new ChildReady(child.Pid));
        Handle(new ChildExited(child.Pid, WaitStatus.FromSignal(Signal.SIGKILL, false), default, Quota.Zero));
    }

    private void Handle(Wait4 wait)
    {
        var parked = new ParkedWait(wait, Sender, Stopwatch.GetTimestamp(), ForkActivities.StartWait(_setup.Origin, Pid, wait));
        if ((wait.Options & ~ChildRegistry.KnownOptions) != 0)
        {
            // POSIX: unknown option bits are EINVAL (Genode 2019 ignored them).
            Answer(parked, WaitResult.Failed(Errno.EINVAL));
            return;
        }

        if (wait.Pid == int.MinValue)
        {
            // Linux: -INT_MIN names no group, and wait4 says so with ESRCH.
            Answer(parked, WaitResult.Failed(Errno.ESRCH));
            return;
        }

        if (TryWait(wait) is { } result) Settle(parked, result);
        else _parkedWaits.Add(parked);
    }

    private void Handle(CancelWait cancel)
    {
        var index = _parkedWaits.FindIndex(p => p.Request.RequestId == cancel.RequestId);
        if (index < 0) return;
        var parked = _parkedWaits[index];
        _parkedWaits.RemoveAt(index);
        Answer(parked, WaitResult.Failed(Errno.EINTR));
    }

    /// <summary>A caught signal interrupts the program's wait4 still parked here (its reply reference is the sender).</summary>
    private void InterruptWait(IActorRef call)
    {
        var index = _parkedWaits.FindIndex(p => ReferenceEquals(p.ReplyTo, call));
        if (index < 0) return;
        var parked = _parkedWaits[index];
        _parkedWaits.RemoveAt(index);
        ForkMetrics.WaitDuration.Record(Stopwatch.GetElapsedTime(parked.Started).TotalMilliseconds);
        ForkActivities.WaitInterrupted(parked.Activity);
        call.Tell(Interrupted.Nothing);
    }

    /// <summary>Answers a wait4; its duration and activity end first, so the program never sees an answer they lack.</summary>
    private static void Answer(in ParkedWait wait, WaitResult result)
    {
        ForkMetrics.WaitDuration.Record(Stopwatch.GetElapsedTime(wait.Started).TotalMilliseconds);
        ForkActivities.WaitAnswered(wait.Activity, result);
        wait.ReplyTo.Tell(result);
    }

    /// <summary>Answers a wait4, or, when it reaped a child whose pid the core is still releasing, once the core has.</summary>
    private void Settle(in ParkedWait wait, WaitResult result)
    {
        if (result.Pid > 0 && _releasing.ContainsKey(result.Pid)) _releasing[result.Pid] = (wait, result);
        else Answer(wait, result);
    }

    /// <summary>The core released the pid of a child reaped here: the wait4 that reaped it returns.</summary>
    private void Handle(PidReleased released)
    {
        if (_releasing.Remove(released.Pid, out var reaped) && reaped is { } answer) Answer(answer.Wait, answer.Result);
    }

    /// <summary>The process ended: its parked waits are answered by no one (its program is unwound).</summary>
    private void AbandonParkedWaits()
    {
        foreach (var parked in _parkedWaits) ForkActivities.WaitAbandoned(parked.Activity);
        _parkedWaits.Clear();
        foreach (var reaped in _releasing.Values)
        {
            if (reaped is { } answer) ForkActivities.WaitAbandoned(answer.Wait.Activity);
        }

        _releasing.Clear();
    }

    /// <summary>The answer to <paramref name="wait"/> now, or null when it must block.</summary>
    private WaitResult? TryWait(Wait4 wait)
    {
        var decision = _children.Decide(wait.Pid, wait.Options, _pgid);
        return decision.Outcome switch
        {
            WaitOutcome.Reap => ReapChild(decision.Child!),
            WaitOutcome.Report => new WaitResult(decision.Child!.Pid, decision.Status, Errno.None, default),
            WaitOutcome.Nothing => WaitResult.Nothing,
            WaitOutcome.NoChild => WaitResult.Failed(Errno.ECHILD),
            _ => null,
        };
    }

    private WaitResult ReapChild(ChildEntry child)
    {
        var exit = child.Exit!;
        _children.Remove(child.Pid);
        Context.Unwatch(child.Policy);
        child.Policy.Tell(Reap.Instance);
        // The pid leaves the table before wait4 returns, so /proc no longer lists it when the caller looks (POSIX); the
        // core only hears of it, to end the namespace once init is alone. Away from the table, the core releases it.
        FreePid(child.Pid);
        if (_setup.Remote) _releasing[child.Pid] = null;
        _account.Credit(exit.Returned);
        ForkMetrics.Reaps.Add(1);
        return new WaitResult(child.Pid, exit.Status, Errno.None, exit.Usage);
    }

    /// <summary>Something changed among the children: answer every parked wait that can now be answered, in order.</summary>
    private void ServeParkedWaits()
    {
        for (var i = 0; i < _parkedWaits.Count;)
        {
            var parked = _parkedWaits[i];
            if (TryWait(parked.Request) is { } result)
            {
                _parkedWaits.RemoveAt(i);
                Settle(parked, result);
            }
            else
            {
                i++;
            }
        }
    }

    private void Handle(ChildExited exited)
    {
        if (!_children.Exited(exited)) return;
        Raise(Signal.SIGCHLD);
        ServeParkedWaits();
    }

    private void Handle(ChildStateChanged changed)
    {
        if (!_children.StateChanged(changed.Pid, changed.Status)) return;
        Raise(Signal.SIGCHLD);
        ServeParkedWaits();
    }

    private void Handle(ChildGroupChanged changed)
    {
        if (changed.Pid == Pid) _pgid = changed.Pgid;
        else _children.GroupChanged(changed.Pid, changed.Pgid);
        ServeParkedWaits();
    }

    /// <summary>Init takes over an orphan (running or zombie) of a process that ended.</summary>
    private void Handle(Adopt adopt)
    {
        var policy = Context.ActorOf(
            ForkedChild.AdoptedProps(new AdoptedChildSetup(adopt.Pid, adopt.Name, adopt.Process, Pid, _romServices ?? new Dictionary<string, IActorRef>()) { Core = _setup.Core }),
            $"adopted-{adopt.Pid}-{++_childSequence}");
        Context.Watch(policy);
        _children.Add(adopt.Pid, policy, adopt.Pgid);
        Sender.Tell(new Adopted(adopt.Pid));
        if (adopt.Status is { } status) Handle(new ChildExited(adopt.Pid, status, adopt.Usage, adopt.Returned));
    }

    /// <summary>A wait4 until it is answered: who asked, since when, and its activity (null without a listener).</summary>
    private readonly record struct ParkedWait(Wait4 Request, IActorRef ReplyTo, long Started, Activity? Activity);
}
