using Akka.Actor;

namespace Fork.Messages;

// The protocol of a pid namespace's core: pid authority, process table, kill and groups.

/// <summary>A parent asks for a pid for a new child; answered by <see cref="PidAllocated"/> or <see cref="PidRefused"/>.</summary>
public sealed record AllocatePid(int Ppid, long RequestId = 0) : ICrossNode;

/// <summary>The new child's pid and its process group (the parent's: children inherit the group).</summary>
public sealed record PidAllocated(int Pid, int Pgid, long RequestId = 0) : ICrossNode;

/// <summary>No pid can be had (EAGAIN): every pid is in use, or the namespace is ending.</summary>
public sealed record PidRefused(string Reason, long RequestId = 0) : ICrossNode;

/// <summary>A process tells the core it exists (at boot).</summary>
public sealed record ProcessStarted(int Pid, IActorRef Process) : ICrossNode;

/// <summary>A process ended (zombie): it no longer receives signals but keeps its pid.</summary>
public sealed record ProcessEnded(int Pid) : ICrossNode;

/// <summary>
/// A child was reaped: its pid is free again. A reaper beside the namespace's table released it there and tells the core;
/// the core answers a <see cref="ReleasePid"/> with it.
/// </summary>
public sealed record PidReleased(int Pid) : ICrossNode;

/// <summary>
/// A reaper away from the namespace's table → the core: release <paramref name="Pid"/> there (it held it for a child it
/// reaped, or for a fork that failed); answered by <see cref="PidReleased"/> once it is free.
/// </summary>
public sealed record ReleasePid(int Pid) : ICrossNode;

/// <summary>
/// A policy → the core: its process was lost with its node. The core hands the process's children to init and answers
/// with the same message; only then does the policy report the process killed, so its parent learns of the end once the
/// children are init's (as when a parent ends).
/// </summary>
public sealed record ProcessLost(int Pid, IActorRef Process) : ICrossNode;

/// <summary>
/// A process away from its namespace's node → the core: what /proc shows of it changed. Its command (replaced at exec),
/// whether it is stopped, the bytes of the pages it owns, and how it ended (null while it lives); its node is the
/// sender's.
/// </summary>
public sealed record ProcessViewChanged(int Pid, string Command, bool Stopped, long ResidentBytes, WaitStatus? End) : ICrossNode;

/// <summary>Kill resolved by the core on behalf of <paramref name="FromPid"/>.</summary>
public sealed record KillRequest(int FromPid, int Target, Signal Signal) : ICrossNode;

/// <summary>setpgid checked and applied by the core on behalf of <paramref name="CallerPid"/>.</summary>
public sealed record SetPgidRequest(int CallerPid, int Pid, int Pgid) : ICrossNode;

/// <summary>The core → a process and its parent: the process changed group (for wait4's group selectors).</summary>
public sealed record ChildGroupChanged(int Pid, int Pgid) : ICrossNode;

/// <summary>Init is ending: kill every other process of the namespace.</summary>
public sealed record KillAllButInit : ICrossNode
{
    public static readonly KillAllButInit Instance = new();
}

/// <summary>The core → init: nothing but init is left in the namespace.</summary>
public sealed record NamespaceEmpty : ICrossNode
{
    public static readonly NamespaceEmpty Instance = new();
}
