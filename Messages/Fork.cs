using Akka.Actor;

namespace Fork.Messages;

/// <summary>
/// What a process runs: a program registered by <paramref name="Name"/> on every node, or, for a local
/// fork only, the delegate itself in <paramref name="Local"/>. Only the name crosses nodes: an entry with a
/// <paramref name="Local"/> delegate (a closure's state lives on this node) cannot be serialized.
/// </summary>
public sealed record ProgramEntry(string Name, Delegate? Local) : ICrossNode
{
    public override string ToString() => Local is null ? Name : $"{Name} (local)";
}

/// <summary>What the program hands its process at fork: the frozen memory and the state the child copies.</summary>
public sealed record ForkImage(
    MemoryImage Memory,
    IReadOnlyList<string> Args,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    string Cwd,
    IReadOnlyDictionary<Signal, Action<Signal>> Handlers)
{
    /// <summary>The caught signals whose handlers were set without SA_RESTART (sigaction's flags go with fork too).</summary>
    public IReadOnlyCollection<Signal> Interrupting { get; init; } = [];

    public override string ToString() => $"ForkImage {{ Regions = {Memory.Regions.Count}, Args = {Args.Count}, Cwd = {Cwd} }}";
}

/// <summary>The program calls fork; answered by <see cref="LibcOk"/> (the child's pid) or <see cref="LibcError"/>.</summary>
public sealed record ForkRequest(ProgramEntry Child, ForkImage Image) : ILibcRequest
{
    /// <summary>The node whose spawner creates the child's process (another fork host of the cluster); null: this node.</summary>
    public Address? Target { get; init; }
}

/// <summary>Parent → the new child's ForkedChild: the child's process, created beside it, that it polices.</summary>
public sealed record ChildCreated(IActorRef Process) : ICrossNode;

/// <summary>
/// ForkedChild → parent: the child closed its clone session (or exited before): fork may return. <paramref name="Returned"/>
/// is what the child gave back of its start quota (all but its reserve).
/// </summary>
public sealed record ChildReady(int Pid, Quota Returned = default) : ICrossNode;

/// <summary>ForkedChild → parent: the child ended; the parent is charged SIGCHLD.</summary>
public sealed record ChildExited(int Pid, WaitStatus Status, ResourceUsage Usage, Quota Returned) : ICrossNode;

/// <summary>ForkedChild → parent: the child stopped or continued (a report for WUNTRACED / WCONTINUED).</summary>
public sealed record ChildStateChanged(int Pid, WaitStatus Status) : ICrossNode;

/// <summary>A process → its policy (ForkedChild or, for init, the core): the process ended.</summary>
public sealed record ProcessExited(int Pid, WaitStatus Status, ResourceUsage Usage, Quota Returned) : ICrossNode;

/// <summary>A process → its policy: the process stopped or continued.</summary>
public sealed record ProcessStateChanged(int Pid, WaitStatus Status) : ICrossNode;

/// <summary>The parent reaped the child: destroy the child's policy, process and sessions.</summary>
public sealed record Reap : ICrossNode
{
    public static readonly Reap Instance = new();
}

/// <summary>The parent ends: its ForkedChild hands its child over to init, through the namespace's core.</summary>
public sealed record Orphan(IActorRef Core) : ICrossNode
{
    public override string ToString() => "Orphan";
}

/// <summary>A child handed over to init (through the core, which fills in its group); <paramref name="Status"/> is set for a zombie.</summary>
public sealed record Adopt(int Pid, string Name, IActorRef Process, WaitStatus? Status, ResourceUsage Usage, Quota Returned, int Pgid = 0) : ICrossNode;

/// <summary>Init → the old ForkedChild: the child is init's now.</summary>
public sealed record Adopted(int Pid) : ICrossNode;

/// <summary>The new ForkedChild → the process: your parent is now <paramref name="Ppid"/>; report to <paramref name="Policy"/>.</summary>
public sealed record Reparented(int Ppid, IActorRef Policy) : ICrossNode;

/// <summary>The process → its old policy: nothing more comes your way, everything sent before this has arrived.</summary>
public sealed record PolicyReleased : ICrossNode
{
    public static readonly PolicyReleased Instance = new();
}
