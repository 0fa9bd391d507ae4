using Akka.Actor;

namespace Fork.Messages;

/// <summary>
/// A forking process → the spawner of the node its child is placed on: create the child's process there, run
/// <paramref name="Program"/> (registered by name on that node) and have it report to <paramref name="Policy"/> (its
/// ForkedChild, which stays with the parent). Answered by <see cref="ProcessSpawned"/> or <see cref="SpawnRefused"/>;
/// a repeated request (same <paramref name="RequestId"/> and policy) answers the same process and creates nothing.
/// The process boots at once, on <see cref="StartQuota"/>: the quota moves with the request, so no transfer from the
/// policy waits for the answer. Its policy knows it from its first session request and kills it when it stops, so a
/// process spawned for a fork that was given up does not stay.
/// </summary>
public sealed record SpawnProcess(
    long RequestId,
    int Pid,
    int Ppid,
    int Pgid,
    string Program,
    string Command,
    long Fork,
    bool OpenLog,
    IActorRef Policy,
    IActorRef Core,
    IActorRef FileSystem) : ICrossNode
{
    /// <summary>The signals the parent ignores: SIG_IGN goes with fork (a caught signal's handler cannot leave its node).</summary>
    public IReadOnlyList<Signal> Ignored { get; init; } = [];

    /// <summary>The child's start quota (Genode's Forked_child transfer), taken from the parent's account when it forked.</summary>
    public Quota StartQuota { get; init; } = Quota.Zero;
}

/// <summary>A spawner → the forking process: the child's process exists on the spawner's node.</summary>
public sealed record ProcessSpawned(long RequestId, IActorRef Process) : ICrossNode;

/// <summary>A spawner → the forking process: no process was created, for <paramref name="Reason"/>.</summary>
public sealed record SpawnRefused(long RequestId, Errno Errno, string Reason) : ICrossNode;
