using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The spawner of a cluster node (<c>/user/fork-spawner</c>): creates the processes that forks on other nodes place
/// here. A process spawned here has this node's options and program registry, an account of its own (its start quota
/// comes with the request), and reports to its policy, core and file system where they are. It boots at once; its
/// policy knows it from its first session request and kills it when it stops, so a process whose parent gave up
/// waiting does not stay.
/// </summary>
internal sealed class ForkSpawner : TracedActor
{
    /// <summary>The spawner's name under <c>/user</c> on every node with the cluster provider.</summary>
    public const string Name = "fork-spawner";

    private readonly RuntimeContext _runtime;
    private readonly Dictionary<(IActorRef Policy, long RequestId), IActorRef> _spawned = [];
    private readonly Dictionary<IActorRef, (IActorRef Policy, long RequestId)> _byProcess = [];
    private long _incarnations;

    /// <summary>
    /// What a process away from its namespace's node has for a table: none of the namespace's pids (the core hands them
    /// out and takes them back by message), and no pid to hand out.
    /// </summary>
    private static ProcessTable AwayTable()
    {
        var table = new ProcessTable(1);
        table.Close("a process away from its namespace's node takes its children's pids from the namespace's core");
        return table;
    }

    public ForkSpawner(RuntimeContext runtime)
    {
        _runtime = runtime;
        Receive<SpawnProcess>(Handle);
        Receive<Terminated>(terminated =>
        {
            if (_byProcess.Remove(terminated.ActorRef, out var key)) _spawned.Remove(key);
        });
    }

    protected override int TracePid => 0;

    /// <summary>A spawn request belongs to the fork its parent numbered.</summary>
    protected override string? TraceForkOf(object message) =>
        message is SpawnProcess spawn ? ProcessSetup.TraceForkId(spawn.Ppid, spawn.Fork) : null;

    private Address Node => ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;

    public static Props Props(RuntimeContext runtime) => FactoryProps.Of(() => new ForkSpawner(runtime));

    /// <summary>The spawner of the node at <paramref name="node"/>.</summary>
    public static ActorPath PathOn(Address node) => new RootActorPath(node) / "user" / Name;

    // A process that fails is stopped (it is never rebooted); its policy sees it vanish.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void Handle(SpawnProcess spawn)
    {
        var key = (spawn.Policy, spawn.RequestId);
        if (_spawned.TryGetValue(key, out var existing))
        {
            Sender.Tell(new ProcessSpawned(spawn.RequestId, existing));
            return;
        }

        // Back on its namespace's node (its parent runs on another): the process is beside its namespace again, as its
        // siblings here are, so it takes its children's pids from the namespace's table under its lock (the local fork's
        // fast path, for it and for every descendant it forks here), /proc reads its own view, and its descriptors reach
        // the namespace's pipes and files directly. Only its policy is elsewhere, and it watches that.
        var home = HomeNamespaces.For(Context.System).Find(spawn.Core);
        var runtime = home?.Runtime ?? _runtime;
        if (!runtime.Programs.TryFind(spawn.Program, out _))
        {
            Sender.Tell(new SpawnRefused(spawn.RequestId, Errno.ENOENT,
                $"no program named \"{spawn.Program}\" is registered on {Node} (known: {string.Join(", ", runtime.Programs.Names)})"));
            return;
        }

        var reserve = runtime.Options.ProcessReserve;
        var account = new QuotaAccount(Quota.Zero, null, reserve);
        var setup = new ProcessSetup(
            spawn.Pid, spawn.Ppid, spawn.Pgid, spawn.Pid.ToString(), spawn.Policy, spawn.Core, spawn.FileSystem, home?.Table ?? AwayTable(),
            new ProgramEntry(spawn.Program, null), runtime, spawn.Ignored.ToDictionary(signal => signal, _ => Libc.Ignore), reserve, account,
            home?.Root ?? account)
        {
            Command = spawn.Command,
            Fork = spawn.Fork,
            OpenLog = spawn.OpenLog,
            Remote = home is null,
            Servers = home?.Servers ?? new LocalServers(),
        };
        IActorRef process;
        try
        {
            process = Context.ActorOf(ProcessActor.Props(setup), $"pid{spawn.Pid}-{++_incarnations}");
        }
        catch (InvalidActorNameException e)
        {
            Sender.Tell(new SpawnRefused(spawn.RequestId, Errno.EAGAIN, e.Message));
            return;
        }

        Context.Watch(process);
        // The start quota came with the request: the process boots at once, on its policy's behalf.
        process.Tell(new QuotaTransfer(spawn.StartQuota), spawn.Policy);
        _spawned[key] = process;
        _byProcess[process] = key;
        Sender.Tell(new ProcessSpawned(spawn.RequestId, process));
    }
}
