using System.Collections.Concurrent;
using Akka.Actor;
using Fork.Messages;
using Microsoft.Extensions.Logging;

namespace Fork.Actors;

/// <summary>
/// One process (the design card's Parent role; Genode's libc kernel): owns pid, quota, descriptors, signal
/// state and the registry of its forked children, and serves its program's <see cref="Libc"/> calls.
/// Behaviours: <see cref="Booting"/> → <see cref="Running"/> ⇄ <see cref="Stopped"/> → <see cref="Zombie"/>.
/// </summary>
internal sealed partial class ProcessActor : TracedActor, IWithUnboundedStash
{
    private readonly ProcessSetup _setup;
    private readonly ForkRuntimeOptions _options;
    private readonly QuotaAccount _account;
    // The running program's: cancelled when the process is killed, or when exec replaces the program (then a new one).
    private CancellationTokenSource _killed = new();
    private readonly PendingSignals _pendingSignals = new();
    private readonly HashSet<Signal> _caught;
    private readonly HashSet<Signal> _ignored;
    private ProcessSynchronizationContext _context = new();
    private readonly ILogger _log;
    private IActorRef _policy;
    private int _ppid;
    private AddressSpace? _memory;
    private ChildConfig? _config;
    private LogSession? _logSession;
    private readonly ProcessView _view;

    public ProcessActor(ProcessSetup setup)
    {
        _setup = setup;
        _options = setup.Runtime.Options;
        _policy = setup.Policy;
        _account = setup.Account;
        _ppid = setup.Ppid;
        _pgid = setup.Pgid;
        _caught = [.. setup.Handlers.Where(h => !ReferenceEquals(h.Value, Libc.Ignore)).Select(h => h.Key)];
        _ignored = [.. setup.Handlers.Where(h => ReferenceEquals(h.Value, Libc.Ignore)).Select(h => h.Key)];
        _log = ForkTracing.For(Context.System).LoggerFactory.CreateLogger(ForkTracing.LogCategory);
        _view = new ProcessView(setup.Command);
        Booting(new BootState());
    }

    public IStash Stash { get; set; } = null!;

    private int Pid => _setup.Pid;

    protected override int TracePid => _setup.Pid;

    protected override void OnTraceEntered()
    {
        if (Behaviour == nameof(Booting)) TraceFork = _setup.ForkId;
    }

    public static Props Props(ProcessSetup setup) => FactoryProps.Of(() => new ProcessActor(setup));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        if (_setup.Pids[Pid] is { } entry) entry.View = _view;
        _setup.Core.Tell(new ProcessStarted(Pid, Self));
        ShowAway();
        // Placed here by another node: a policy gone before this process ran (its parent gave up) leaves no ghost, a
        // policy on another node is watched for good (its node may be lost), and a namespace whose node is gone takes this
        // process with it.
        if (_setup.Remote || PolicyElsewhere) Context.Watch(_setup.Policy);
        if (_setup.Remote) Context.Watch(_setup.Core);
        _policy.Tell(new SessionRequest(Services.Rom, "config", Quota.Zero));
    }

    /// <summary>A failure inside the runtime ends the process (its policy sees it vanish: SIGKILL); it is never rebooted.</summary>
    protected override void PostRestart(Exception reason)
    {
        Log.Failed(_log, Pid, reason);
        Context.Stop(Self);
    }

    /// <summary>
    /// A process placed away from its namespace ends with it: when the namespace's core is gone (its node was lost, or the
    /// namespace ended) nobody can signal, wait for or reap this process any more, so it stops, whatever its state. One
    /// whose policy's node is lost goes to init.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (message is Terminated terminated && _setup.Remote && terminated.ActorRef.Equals(_setup.Core))
        {
            Log.NamespaceLost(_log, Pid, _setup.Core.Path.Address.ToString());
            Context.Stop(Self);
            return true;
        }

        if (message is Terminated { AddressTerminated: true } lost && lost.ActorRef.Equals(_policy) && !_setup.IsInit)
        {
            ParentGone();
            return true;
        }

        return base.AroundReceive(receive, message);
    }

    protected override void PostStop()
    {
        // Not disposed: the program may still read libc.Cancellation after its process is gone (a CTS without timers holds nothing).
        _killed.Cancel();
    }

    /// <summary>Running: the program runs and every libc call, child report and signal is served.</summary>
    private void Running() => BecomeNamed(nameof(Running), OnRunning);

    private bool OnRunning(object message) => OnLibc(message) || OnFiles(message) || OnParentRole(message) || OnProcess(message);

    /// <summary>Stopped (SIGSTOP and friends): the program's calls wait until SIGCONT; SIGKILL still kills.</summary>
    private void Stopped() => BecomeNamed(nameof(Stopped), OnStopped);

    private bool OnStopped(object message)
    {
        switch (message)
        {
            case DeliverSignal { Signal: Signal.SIGKILL or Signal.SIGCONT } deliver:
                Handle(deliver);
                return true;
            case DeliverSignal or ILibcRequest or CancelWait or Interrupt:
                Stash.Stash();
                return true;
            default:
                return OnParentRole(message) || OnProcess(message);
        }
    }

    /// <summary>What a live process handles in every state but booting: signals, its place in the tree, quota and its log.</summary>
    private bool OnProcess(object message)
    {
        switch (message)
        {
            case DeliverSignal deliver: Handle(deliver); return true;
            case SetDisposition disposition: Handle(disposition); return true;
            case Reparented reparented: Handle(reparented); return true;
            case ResourceGranted granted: Handle(granted); return true;
            case ResourceDenied denied: Handle(denied); return true;
            case QuotaTransfer transfer: _account.Credit(transfer.Amount); return true;
            case SignalSent: Sender.Tell(LibcOk.Zero); return true;
            // Init's answer when this process asked to be adopted itself: its Reparented says the rest.
            case Adopted: return true;
            case LogLine line: Handle(line); return true;
            case SessionGranted { Service: Services.Log } granted: HandleLog(granted); return true;
            case SessionDenied { Service: Services.Log } denied: LogDenied(denied); return true;
            default: return false;
        }
    }
}
