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
    private readonly QuotaAccount _account = new(Quota.Zero);
    private readonly CancellationTokenSource _killed = new();
    private readonly ConcurrentQueue<Signal> _pendingSignals = new();
    private readonly HashSet<Signal> _caught;
    private readonly ProcessSynchronizationContext _context = new();
    private readonly ILogger _log;
    private IActorRef _policy;
    private int _ppid;
    private AddressSpace? _memory;
    private ChildConfig? _config;
    private LogSession? _logSession;

    public ProcessActor(ProcessSetup setup)
    {
        _setup = setup;
        _options = setup.Runtime.Options;
        _policy = setup.Policy;
        _ppid = setup.Ppid;
        _pgid = setup.Pgid;
        _caught = [.. setup.Handlers.Keys];
        _log = ForkTracing.For(Context.System).LoggerFactory.CreateLogger(ForkTracing.LogCategory);
        var self = Self;
        _context.Crashed = e => self.Tell(new ProgramEnded(0, e.ToString()));
        Booting(new BootState());
    }

    public IStash Stash { get; set; } = null!;

    private int Pid => _setup.Pid;

    protected override int TracePid => _setup.Pid;

    public static Props Props(ProcessSetup setup) => Akka.Actor.Props.Create(() => new ProcessActor(setup));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        _setup.Core.Tell(new ProcessStarted(Pid, Self));
        _policy.Tell(new SessionRequest(Services.Rom, "config", Quota.Zero));
    }

    /// <summary>A failure inside the runtime ends the process (its policy sees it vanish: SIGKILL); it is never rebooted.</summary>
    protected override void PostRestart(Exception reason)
    {
        Log.Failed(_log, Pid, reason);
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        // Not disposed: the program may still read libc.Cancellation after its process is gone (a CTS without timers holds nothing).
        _killed.Cancel();
    }

    /// <summary>Running: the program runs and every libc call, child report and signal is served.</summary>
    private void Running()
    {
        BecomeNamed(nameof(Running), () =>
        {
            ReceiveLibc();
            ReceiveParentRole();
            Receive<DeliverSignal>(Handle);
            Receive<SetDisposition>(Handle);
            Receive<Reparented>(Handle);
            Receive<ResourceGranted>(Handle);
            Receive<ResourceDenied>(Handle);
            Receive<QuotaTransfer>(t => _account.Credit(t.Amount));
        });
    }

    /// <summary>Stopped (SIGSTOP and friends): the program's calls wait until SIGCONT; SIGKILL still kills.</summary>
    private void Stopped()
    {
        BecomeNamed(nameof(Stopped), () =>
        {
            Receive<DeliverSignal>(d => d.Signal is Signal.SIGKILL or Signal.SIGCONT, Handle);
            Receive<DeliverSignal>(_ => Stash.Stash());
            Receive<ILibcRequest>(_ => Stash.Stash());
            Receive<CancelWait>(_ => Stash.Stash());
            ReceiveParentRole();
            Receive<SetDisposition>(Handle);
            Receive<Reparented>(Handle);
            Receive<ResourceGranted>(Handle);
            Receive<ResourceDenied>(Handle);
            Receive<QuotaTransfer>(t => _account.Credit(t.Amount));
        });
    }
}
