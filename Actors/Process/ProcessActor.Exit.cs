using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// The end of a process: whatever its program still does, it is terminated at once: its libc calls unwind,
// its descriptors close, its children go to init, and it stays a zombie until its parent reaps it.
internal sealed partial class ProcessActor
{
    private readonly HashSet<IActorRef> _orphaning = [];
    private bool _reaped;

    private void Terminate(WaitStatus status)
    {
        // /proc says Z before anyone can learn of the end (its descriptors close, its parent hears of it).
        _view.Ending(status);
        ShowAway();
        _killed.Cancel();
        CloseAllDescriptors();
        var usage = Usage();
        _memory?.Release();
        _account.Retire(_setup.Root);
        _setup.Core.Tell(new ProcessEnded(Pid));
        AbandonParkedWaits();
        AbandonQuotaRequests();
        foreach (var pending in _pendingForks.Values) ForkInterrupted(pending);
        _pendingForks.Clear();
        AbandonSpawns();
        AbandonPidRequests();
        _logSession?.Service.Tell(new SessionClose(_logSession.SessionId));
        ForkMetrics.Exits.Add(1);
        Log.Ended(_log, Pid, status);
        Stash.UnstashAll();
        if (_setup.IsInit)
        {
            // POSIX: when init ends, every process left in the namespace is killed and reaped before it is gone.
            _setup.Core.Tell(KillAllButInit.Instance);
            Ending(status, usage);
            ReapAll();
            return;
        }

        foreach (var child in _children.TakeAll())
        {
            child.Policy.Tell(new Orphan(_setup.Core));
            _orphaning.Add(child.Policy);
        }

        Zombie(new ProcessExited(Pid, status, usage, _account.TakeAll()));
    }

    /// <summary>
    /// Ended, not yet reaped: keeps its pid and status until its parent's wait4. Its exit is reported once init has
    /// adopted every child (POSIX: the children are init's before the parent can be reaped) and its last log lines are
    /// written (nothing it logged is lost to a namespace that ends with it).
    /// </summary>
    private void Zombie(ProcessExited exited)
    {
        _exited = exited;
        ReportExit(exited);
        BecomeNamed(nameof(Zombie), message => OnZombie(exited, message));
    }

    private bool OnZombie(ProcessExited exited, object message)
    {
        switch (message)
        {
            case Reap:
                _reaped = true;
                StopWhenOrphansAreGone();
                break;
            case Terminated terminated:
                if (!_orphaning.Remove(terminated.ActorRef)) break;
                ReportExit(exited);
                StopWhenOrphansAreGone();
                break;
            case Reparented reparented:
                Handle(reparented);
                ReportExit(exited);
                break;
            case SessionGranted { Service: Services.Log } granted:
                LastLines(granted);
                ReportExit(exited);
                break;
            case SessionDenied { Service: Services.Log } denied:
                LogDenied(denied);
                ReportExit(exited);
                break;
            // A descendant's request still on its way through this process: the namespace's root serves it now.
            case SessionRequest request:
                _setup.Core.Forward(request);
                break;
            case SignalSent:
                ForkActivities.KillerEnded(Sender);
                break;
            case ProcessSpawned spawned:
                Handle(spawned);
                break;
            // A pid the core allocated for a fork that ended with this process.
            case PidAllocated allocated:
                FreePid(allocated.Pid);
                break;
            case ILibcRequest and not ProgramEnded:
                Sender.Tell(new LibcError(Errno.ESRCH, $"process {Pid} has ended"));
                break;
            // A descriptor of its config opened after its boot failed: nobody will close it.
            case DescriptionOpened opened:
                _setup.FileSystem.Tell(new FsRelease(opened.Description));
                break;
            // Anything else, an orphan's quota request included (it asks again at init once it is reparented), is dropped.
        }

        return true;
    }

    /// <summary>Init has ended: it reaps everything until the core says nothing else is left.</summary>
    private void Ending(WaitStatus status, ResourceUsage usage)
    {
        BecomeNamed(nameof(Ending), () =>
        {
            Receive<ChildExited>(exited =>
            {
                Handle(exited);
                ReapAll();
            });
            Receive<Adopt>(adopt =>
            {
                Handle(adopt);
                ReapAll();
            });
            Receive<ChildReady>(Handle);
            Receive<SessionRequest>(ForwardToParentService);
            Receive<ProgramEnded>(_ => { });
            Receive<SessionGranted>(granted => granted.Service == Services.Log, LastLines);
            Receive<NamespaceEmpty>(_ => Zombie(new ProcessExited(Pid, status, usage, _account.TakeAll())));
            Receive<ILibcRequest>(_ => Sender.Tell(new LibcError(Errno.ESRCH, $"process {Pid} has ended")));
            Receive<ResourceRequest>(r => Sender.Tell(new ResourceDenied(r.Amount, r.RequestId, "init has ended")));
            ReceiveAny(_ => { });
        });
    }

    /// <summary>The LOG session asked for by the program's last lines arrives after its end: write them, then close it.</summary>
    private void LastLines(SessionGranted granted)
    {
        HandleLog(granted);
        granted.Session.Tell(new SessionClose(granted.SessionId));
    }

    private void ReportExit(ProcessExited exited)
    {
        if (_orphaning.Count == 0 && _unloggedLines is null) _policy.Tell(exited);
    }

    private void ReapAll()
    {
        foreach (var zombie in _children.Zombies()) ReapChild(zombie);
    }

    private void StopWhenOrphansAreGone()
    {
        if (_reaped && _orphaning.Count == 0) Context.Stop(Self);
    }
}
