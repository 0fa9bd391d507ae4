using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The parent-side policy of one child (Genode's <c>Libc::Forked_child</c>): serves the child's config ROM, routes
/// its session requests, moves quota to it, and turns its end into <see cref="ChildExited"/> for the parent. The parent
/// creates it and the child's process side by side, and tells it the process (<see cref="ChildCreated"/>).
/// States: <see cref="StartingUp"/> → <see cref="Running"/> → <see cref="Exited"/>; destroyed when reaped.
/// </summary>
internal sealed class ForkedChild : TracedActor
{
    private readonly int _pid;
    private readonly string _name;
    private readonly int _parentPid;
    private readonly IActorRef? _cloneService;
    private readonly IReadOnlyDictionary<string, IActorRef> _romServices;
    private readonly IActorRef _core;
    private IActorRef _process = ActorRefs.Nobody;
    private Quota _returned;
    private bool _handedOver;
    private readonly string? _forkId;

    public ForkedChild(ForkedChildSetup setup)
        : this(setup.Child.Pid, setup.Child.Name, setup.Child.Ppid, setup.CloneService, setup.RomServices, setup.Child.Core)
    {
        _forkId = setup.Child.ForkId;
        StartingUp(new ConfigRomState(setup.Config, setup.Descriptors, () => ForkSerializer.BytesPerFrame(Context.System)));
    }

    public ForkedChild(AdoptedChildSetup setup)
        : this(setup.Pid, setup.Name, setup.ParentPid, null, setup.RomServices, setup.Core)
    {
        Watch(setup.Process);
        _process.Tell(new Reparented(setup.ParentPid, Self));
        Running();
    }

    private ForkedChild(int pid, string name, int parentPid, IActorRef? cloneService, IReadOnlyDictionary<string, IActorRef> romServices, IActorRef core)
    {
        _core = core;
        _pid = pid;
        _name = name;
        _parentPid = parentPid;
        _cloneService = cloneService;
        _romServices = romServices;
    }

    protected override int TracePid => _pid;

    protected override void OnTraceEntered()
    {
        if (Behaviour == nameof(StartingUp)) TraceFork = _forkId;
    }

    /// <summary>
    /// However this policy ends (reaped, or stopped with its parent), its process goes with it, unless init took it
    /// over: a process is never left behind without a policy.
    /// </summary>
    protected override void PostStop()
    {
        // This node is shutting down, the parent with it: a process on another node outlives it and goes to init, as the
        // children of a lost node do.
        if (_handedOver || (_process.Path.Address.HasGlobalScope && CoordinatedShutdown.Get(Context.System).ShutdownReason is not null)) return;
        if (Behaviour != nameof(Exited)) _process.Tell(new DeliverSignal(Signal.SIGKILL, _parentPid));
        _process.Tell(Reap.Instance);
    }

    public static Props Props(ForkedChildSetup setup) => FactoryProps.Once(() => new ForkedChild(setup));

    public static Props AdoptedProps(AdoptedChildSetup setup) => FactoryProps.Of(() => new ForkedChild(setup));

    /// <summary>The child boots: its config ROM (written once the file system described the descriptors) and its clone session.</summary>
    private void StartingUp(ConfigRomState config) => BecomeNamed(nameof(StartingUp), message => OnStartingUp(config, message));

    // The process asks for itself: it is known from its first request on, before the parent's word on it (a process on
    // another node boots while its spawner's answer travels), so it never outlives this policy.
    private bool OnStartingUp(ConfigRomState config, object message)
    {
        switch (message)
        {
            case Described described:
                config.Describe(described.Descriptions);
                return true;
            case SessionRequest { Service: Services.Rom } request when Labels.Last(request.Label) == "config":
                Watch(Sender);
                config.Serve(Sender);
                return true;
            case SessionRequest request:
                Watch(Sender);
                Route(request, startingUp: true);
                return true;
            case QuotaTransfer returned:
                _returned += returned.Amount;
                return true;
            case CloneClosed:
                Running();
                Context.Parent.Tell(new ChildReady(_pid, _returned));
                return true;
            case ProcessExited exited:
                // Genode b7fbe65ff2: a child that exits before it is ready stays exited; fork still returns its pid.
                _cloneService?.Tell(new CloneAbandoned(_pid));
                Context.Parent.Tell(new ChildReady(_pid, _returned));
                Exited(exited);
                return true;
            case Orphan orphan:
                // Nobody waits for this fork any more: the child never ran its program, so it ends here.
                _process.Tell(new DeliverSignal(Signal.SIGKILL, _parentPid));
                HandOver(orphan, null);
                return true;
            default:
                return OnAlways(message);
        }
    }

    private void Running()
    {
        BecomeNamed(nameof(Running), OnRunning);
        // The fork is over for this policy: what it handles from now on is the child's life, not its fork.
        TraceFork = null;
    }

    private bool OnRunning(object message)
    {
        switch (message)
        {
            case SessionRequest request: Route(request, startingUp: false); return true;
            case ProcessExited exited: Exited(exited); return true;
            case ProcessStateChanged changed: Context.Parent.Tell(new ChildStateChanged(_pid, changed.Status)); return true;
            case Orphan orphan: HandOver(orphan, null); return true;
            default: return OnAlways(message);
        }
    }

    private void Exited(ProcessExited exited)
    {
        Context.Parent.Tell(new ChildExited(_pid, exited.Status, exited.Usage, exited.Returned));
        BecomeNamed(nameof(Exited), message => OnExited(exited, message));
    }

    private bool OnExited(ProcessExited exited, object message)
    {
        switch (message)
        {
            case SessionRequest request:
                Sender.Tell(new SessionDenied(request.Service, request.Label, $"process {_pid} has exited"));
                return true;
            case ProcessExited or ProcessStateChanged:
                return true;
            case Orphan orphan:
                HandOver(orphan, exited);
                return true;
            default:
                return OnAlways(message);
        }
    }

    /// <summary>Handlers of every state: reaping, quota and a process that vanished without a word.</summary>
    private bool OnAlways(object message)
    {
        switch (message)
        {
            // The parent's word on the process comes after the process's own first messages, which can be its end.
            case ChildCreated created: Watch(created.Process); return true;
            // Described after the child ended: its clone service releases what the child did not take.
            case Described: return true;
            case Reap: Context.Stop(Self); return true;
            case ResourceRequest request: Context.Parent.Tell(request); return true;
            case ResourceGranted granted: _process.Tell(granted); return true;
            case ResourceDenied denied: _process.Tell(denied); return true;
            // Gone on another node (lost with it, or stopped there): the core hands its children to init first, so the
            // parent learns of the end once they are init's.
            case Terminated terminated when terminated.ActorRef.Equals(_process) && !_core.IsNobody()
                                            && (terminated.AddressTerminated || _process.Path.Address.HasGlobalScope):
                _core.Tell(new ProcessLost(_pid, _process));
                return true;
            case Terminated terminated when terminated.ActorRef.Equals(_process):
                Killed();
                return true;
            case ProcessLost lost when lost.Pid == _pid:
                Killed();
                return true;
            default: return false;
        }
    }

    /// <summary>The process vanished without a word (its actor failed, or its node was lost): it counts as killed.</summary>
    private void Killed() => Self.Tell(new ProcessExited(_pid, WaitStatus.FromSignal(Signal.SIGKILL, false), default, Quota.Zero));

    /// <summary>
    /// The parent ended: init takes the child over (POSIX; Genode 2019 let children die with their parent). This
    /// policy still passes on what the process sent it until the process says it reports to init's policy.
    /// </summary>
    private void HandOver(Orphan orphan, ProcessExited? exited)
    {
        _handedOver = true;
        orphan.Core.Tell(new Adopt(_pid, _name, _process, exited?.Status, exited?.Usage ?? default, exited?.Returned ?? Quota.Zero));
        BecomeNamed(nameof(HandOver), () =>
        {
            Receive<PolicyReleased>(_ => Context.Stop(Self));
            Receive<Terminated>(t => t.ActorRef.Equals(_process), _ => Context.Stop(Self));
            Receive<SessionRequest>(request => Context.Parent.Forward(request with { Label = Labels.Prefix(_name, request.Label) }));
            Receive<ResourceGranted>(granted => _process.Tell(granted));
            Receive<ResourceDenied>(denied => _process.Tell(denied));
            // Quota requests included: the process asks init's policy again once it is reparented.
            ReceiveAny(_ => { });
        });
    }

    private void Watch(IActorRef process)
    {
        if (!_process.IsNobody()) return;
        _process = process;
        Context.Watch(process);
    }

    /// <summary>Genode's resolve_session_request, in its order; a denial always has a reason.</summary>
    private void Route(SessionRequest request, bool startingUp)
    {
        if (request.Service == Services.Clone)
        {
            if (startingUp && _cloneService is not null) _cloneService.Forward(new CloneSessionRequest(_pid, request));
            else Sender.Tell(new SessionDenied(request.Service, request.Label, $"process {_pid} is running: its clone session was closed"));
            return;
        }

        var label = Labels.Prefix(_name, request.Label);
        var last = Labels.Last(label);
        var routed = request with { Label = request.Service == Services.Log ? label : last };
        if (request.Service == Services.Rom)
        {
            if (_romServices.TryGetValue(last, out var rom))
            {
                rom.Forward(routed);
                return;
            }

            if (last == "config")
            {
                Sender.Tell(new SessionDenied(request.Service, request.Label, $"process {_pid} has started: its config ROM was served while it started up"));
                return;
            }
        }

        Context.Parent.Forward(routed);
    }
}
