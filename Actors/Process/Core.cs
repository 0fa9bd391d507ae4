using Akka.Actor;
using Fork.Messages;
using Microsoft.Extensions.Logging;

namespace Fork.Actors;

/// <summary>
/// The root of one pid namespace: init's parent, the pid authority, the process table behind kill and
/// process groups, and the provider of the LOG, Timer and RTC services that parent services forward to.
/// </summary>
internal sealed partial class Core : TracedActor
{
    private readonly CoreSetup _setup;
    private readonly ForkRuntimeOptions _options;
    private readonly ProcessTable _table;
    private readonly string _initConfig;
    private readonly ILogger _log;
    private IActorRef _fileSystem = ActorRefs.Nobody;
    private IActorRef _init = ActorRefs.Nobody;
    private bool _ending;

    public Core(CoreSetup setup)
    {
        _setup = setup;
        _options = setup.Runtime.Options;
        _table = setup.Table ?? new ProcessTable(_options.PidMax);
        _initConfig = ConfigRom.Generate(ChildConfig.ForInit(setup.Runtime.InitImage, setup.Runtime.Options.HostStreams is not null));
        _log = ForkTracing.For(Context.System).LoggerFactory.CreateLogger(ForkTracing.LogCategory);
        Receive<AllocatePid>(Handle);
        Receive<ProcessStarted>(Handle);
        Receive<ProcessEnded>(ended => _table[ended.Pid]?.Alive = false);
        Receive<PidReleased>(_ => CheckEmpty());
        Receive<ReleasePid>(Handle);
        Receive<ProcessViewChanged>(Handle);
        Receive<ProcessLost>(Handle);
        Receive<KillRequest>(Handle);
        Receive<SetPgidRequest>(Handle);
        Receive<KillAllButInit>(_ => KillAllButInit());
        Receive<Adopt>(Handle);
        Receive<Adopted>(_ => { });
        Receive<ProcessExited>(Handle);
        Receive<ResourceRequest>(r => Sender.Tell(new ResourceDenied(r.Amount, r.RequestId,
            $"init's quota is spent and init has no parent to ask (InitRamQuota {_options.InitRamQuota}, InitCapQuota {_options.InitCapQuota})")));
        Receive<Terminated>(t => t.ActorRef.Equals(_init), _ => Finish(WaitStatus.FromSignal(Signal.SIGKILL, false)));
        Receive<Terminated>(Handle);
        ReceiveServices();
    }

    protected override int TracePid => 0;

    public static Props Props(CoreSetup setup) => Akka.Actor.Props.Create(() => new Core(setup));

    protected override void PreStart()
    {
        var root = new QuotaAccount(Quota.Zero);
        var servers = new LocalServers();
        _fileSystem = Context.ActorOf(FileSystemActor.Props(_setup.Runtime.InitImage.Cwd, root, servers, _setup.Runtime.Programs.Names, _table, _options.HostStreams), "fs");
        _table.AddInit();
        LiveNamespaces.Add(_table);
        HomeNamespaces.For(Context.System).Add(Self, new NamespaceHome(_table, servers, root, _setup.Runtime));
        var init = new ProcessSetup(1, 0, 1, "init", Self, Self, _fileSystem, _table, _setup.Init, _setup.Runtime,
            new Dictionary<Signal, Action<Signal>>(), Quota.Zero, root, root) { Servers = servers, Command = _setup.Runtime.InitImage.Binary };
        _init = Context.ActorOf(ProcessActor.Props(init), "init");
        Context.Watch(_init);
        _init.Tell(new QuotaTransfer(new Quota(_options.InitRamQuota, (int)_options.InitCapQuota)));
    }

    /// <summary>A failure of the core ends its namespace: init is not started again.</summary>
    protected override void PostRestart(Exception reason)
    {
        _setup.Done.TrySetException(reason);
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        foreach (var timer in _timers.Values) timer.Dispose();
        LiveNamespaces.Remove(_table);
        HomeNamespaces.For(Context.System).Remove(Self);
        _setup.Done.TrySetException(new InvalidOperationException("the namespace was stopped before init ended"));
    }

    /// <summary>A pid asked for by message (forks take theirs from the table directly).</summary>
    private void Handle(AllocatePid allocate)
    {
        var pgid = _table[allocate.Ppid]?.Pgid ?? 1;
        Sender.Tell(_table.Allocate(allocate.Ppid, pgid) is { } pid
            ? new PidAllocated(pid, pgid, allocate.RequestId)
            : new PidRefused(_table.Refusal, allocate.RequestId));
    }

    private void Handle(ProcessStarted started)
    {
        if (_table[started.Pid] is not { } entry) return;
        entry.Process = started.Process;
        Watch(started.Pid, started.Process);
        foreach (var signal in entry.Pending) started.Process.Tell(signal);
        entry.Pending.Clear();
        if (_ending && started.Pid != 1) entry.Deliver(new DeliverSignal(Signal.SIGKILL, 0));
    }

    /// <summary>
    /// A reaper beside the table released the pid itself and only says so (the pid may already be handed out again, so
    /// nothing is released here): once init has ended and is alone, the namespace is empty.
    /// </summary>
    private void CheckEmpty()
    {
        if (_ending && _table.Count == 1) _init.Tell(NamespaceEmpty.Instance);
    }

    private void KillAllButInit()
    {
        _ending = true;
        _table.Close("the namespace is ending: init has exited");
        foreach (var (pid, entry) in _table.Entries)
        {
            if (pid != 1) entry.Deliver(new DeliverSignal(Signal.SIGKILL, 1));
        }

        if (_table.Count == 1) _init.Tell(NamespaceEmpty.Instance);
    }

    /// <summary>
    /// An orphan goes to init, in the group it had. Asked by the policy of a parent that ended, or by the orphan itself
    /// when its parent's node was lost; a pid that is gone, held by another process, or already init's is not adopted again.
    /// </summary>
    private void Handle(Adopt adopt)
    {
        var entry = _table[adopt.Pid];
        // An orphan asking itself has told the core it started, before it asked: its entry names it.
        var itself = Sender.Equals(adopt.Process);
        var holds = entry is not null && (itself ? adopt.Process.Equals(entry.Process) : entry.Process is null || entry.Process.Equals(adopt.Process));
        if (!holds)
        {
            // An orphan that asked itself and holds no pid here (its fork was undone, or it was reaped): it ends.
            if (itself)
            {
                Sender.Tell(new DeliverSignal(Signal.SIGKILL, 0));
                Sender.Tell(Reap.Instance);
            }
            else
            {
                Sender.Tell(new Adopted(adopt.Pid));
            }

            return;
        }

        if (entry!.Ppid == 1)
        {
            Sender.Tell(new Adopted(adopt.Pid));
            return;
        }

        entry.Ppid = 1;
        _init.Forward(adopt with { Pgid = entry.Pgid });
    }

    private void Handle(ProcessExited exited)
    {
        if (!Sender.Equals(_init)) return;
        Finish(exited.Status);
        _init.Tell(Reap.Instance);
    }

    private void Finish(WaitStatus status)
    {
        _setup.Done.TrySetResult(status);
        Context.Stop(Self);
    }
}
