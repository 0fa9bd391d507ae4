using System.Diagnostics;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>Everything a process's actor is created with; the rest it learns from its config ROM.</summary>
/// <param name="Account">The process's account (its parent's account lends to it); <paramref name="Root"/> is init's.</param>
/// <param name="Reserve">What the process keeps for itself and never passes on to children (its start quota), so a
/// chain of forks cannot hand the same quota down forever: the number of processes is bounded by init's quota.</param>
internal sealed record ProcessSetup(
    int Pid,
    int Ppid,
    int Pgid,
    string Name,
    IActorRef Policy,
    IActorRef Core,
    IActorRef FileSystem,
    ProcessTable Pids,
    ProgramEntry Entry,
    RuntimeContext Runtime,
    IReadOnlyDictionary<Signal, Action<Signal>> Handlers,
    Quota Reserve,
    QuotaAccount Account,
    QuotaAccount Root)
{
    public bool IsInit => Pid == 1;

    /// <summary>The process's command, as /proc shows it: init's binary, inherited at fork, replaced at exec.</summary>
    public string Command { get; init; } = ProcessOptions.BinaryObject;

    /// <summary>The namespace's pipes and open files, for its programs to call directly.</summary>
    public LocalServers Servers { get; init; } = new();

    /// <summary>The caught signals of <see cref="Handlers"/> set without SA_RESTART.</summary>
    public IReadOnlyCollection<Signal> Interrupting { get; init; } = [];

    /// <summary>Which fork of its parent made this process (1, 2, ...; 0 for init): the trace's fork id is <c>PPID.N</c>.</summary>
    public long Fork { get; init; }

    /// <summary>
    /// Open the LOG session while booting, as every Genode component does at start-up, through the parent services:
    /// set when the parent has one, so a child that will log finds its session ready.
    /// </summary>
    public bool OpenLog { get; init; }

    /// <summary>
    /// Runs on another node than its namespace's (spawned there by that node's <see cref="ForkSpawner"/>, or forked by such
    /// a process there): <see cref="Pids"/> is an empty stand-in, so its children's pids come from the core and go back to
    /// it by message, and the core keeps what /proc shows of it. It watches its policy while it boots (a parent gone
    /// before the child ran leaves no ghost) and the core (a namespace lost with its node takes it along).
    /// </summary>
    public bool Remote { get; init; }

    /// <summary>The trace's id of the fork that made this process, or null for init.</summary>
    public string? ForkId => Fork > 0 ? TraceForkId(Ppid, Fork) : null;

    /// <summary>The trace's id of the <paramref name="fork"/>th fork of <paramref name="pid"/>.</summary>
    public static string TraceForkId(int pid, long fork) => $"{pid}.{fork}";
    /// <summary>The parent of the process's activities: the fork activity that made it (init's: the namespace's origin).</summary>
    public ActivityContext Origin { get; init; } = Runtime.Origin;
}

/// <summary>What every process of a namespace shares: read-only options, the program registry and init's image.</summary>
internal sealed record RuntimeContext(ForkRuntimeOptions Options, ProgramRegistry Programs, ProcessOptions InitImage)
{
    /// <summary>The activity current where the namespace was started (RunAsync): the parent of init's activities.</summary>
    public ActivityContext Origin { get; init; }
}
