using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// Signals: a caught signal runs its handler at the program's next libc call, or at once when the program is blocked in
// one (its libc interrupts the call); otherwise the default action (terminate, with core for some, ignore, stop,
// continue) takes effect at once for everyone else.
internal sealed partial class ProcessActor
{
    /// <summary>kill goes to the core, which answers the caller; traced, through a reference that ends its activity.</summary>
    private void Handle(KillProcess kill)
    {
        var request = new KillRequest(Pid, kill.Pid, kill.Signal);
        if (ForkActivities.StartKill(_setup.Origin, Pid, kill, Sender, ((ExtendedActorSystem)Context.System).Provider) is { } traced)
            _setup.Core.Tell(request, traced);
        else
            _setup.Core.Forward(request);
    }

    private void Handle(DeliverSignal deliver)
    {
        if (ShieldsInit(deliver)) return;
        Raise(deliver.Signal);
    }

    /// <summary>
    /// Linux (SIGNAL_UNKILLABLE): a namespace's init gets from inside its namespace only the signals it has a handler
    /// for, SIGKILL and SIGSTOP included. From outside (pid 0: the runtime, as RunAsync's cancellation) every signal goes.
    /// </summary>
    private bool ShieldsInit(DeliverSignal deliver) =>
        _setup.IsInit && deliver.FromPid != 0 && !_caught.Contains(deliver.Signal);

    private void Handle(SetDisposition disposition)
    {
        if (disposition.Caught) _caught.Add(disposition.Signal);
        else _caught.Remove(disposition.Signal);
        if (disposition.Ignored) _ignored.Add(disposition.Signal);
        else _ignored.Remove(disposition.Signal);
    }

    private void Raise(Signal signal)
    {
        switch (signal)
        {
            case 0:
                return;
            case Signal.SIGKILL:
                Terminate(WaitStatus.FromSignal(signal, coreDumped: false));
                return;
            case Signal.SIGSTOP:
                Stop(signal);
                return;
            case Signal.SIGCONT:
                // POSIX: SIGCONT continues a stopped process whatever its disposition, then runs any handler.
                Continue();
                break;
        }

        // SIG_IGN: discarded (SIGCONT still continued the process above).
        if (_ignored.Contains(signal)) return;
        if (_caught.Contains(signal))
        {
            _pendingSignals.Enqueue(signal);
            return;
        }

        switch (Signals.DefaultAction(signal))
        {
            case SignalAction.Terminate:
                Terminate(WaitStatus.FromSignal(signal, coreDumped: false));
                break;
            case SignalAction.TerminateWithCore:
                Terminate(WaitStatus.FromSignal(signal, coreDumped: true));
                break;
            case SignalAction.Stop:
                Stop(signal);
                break;
        }
    }

    private void Stop(Signal signal)
    {
        if (Behaviour != nameof(Running)) return;
        // /proc says T before the parent can learn of the stop.
        _view.Stopped = true;
        ShowAway();
        _policy.Tell(new ProcessStateChanged(Pid, WaitStatus.FromStop(signal)));
        _pendingSignals.Stop();
        Stopped();
    }

    private void Continue()
    {
        if (Behaviour != nameof(Stopped)) return;
        _view.Stopped = false;
        ShowAway();
        _policy.Tell(new ProcessStateChanged(Pid, WaitStatus.ContinuedStatus));
        _pendingSignals.Continue();
        Running();
        Stash.UnstashAll();
    }

    private void Handle(Reparented reparented)
    {
        _policy.Tell(PolicyReleased.Instance);
        _ppid = reparented.Ppid;
        var old = _policy;
        _policy = reparented.Policy;
        WatchPolicy(old);
        foreach (var service in _parentServices.Values) service.Tell(new PolicyChanged(_policy));
        // The old parent, ending, answers no quota request: ask init's policy instead.
        foreach (var (id, pending) in _quotaRequests) _policy.Tell(new ResourceRequest(pending.Missing, id));
    }
}
