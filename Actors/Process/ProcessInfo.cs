using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// One process of a namespace as a process tree shows it, read as a snapshot (as /proc reads it): what
/// <see cref="ForkRuntime.Processes"/> returns for a live process and <see cref="ForkRuntime.History"/> for every
/// process that lived in a run.
/// </summary>
/// <param name="Pid">Its pid, unique in its namespace while it is not reaped.</param>
/// <param name="Ppid">Its parent: the current one in <see cref="ForkRuntime.Processes"/> (init after reparenting); in
/// <see cref="ForkRuntime.History"/> the process that forked it, so an orphan stays under the parent that made it.</param>
/// <param name="Pgid">Its process group.</param>
/// <param name="Program">Its command: the program's name, inherited at fork, replaced at exec.</param>
/// <param name="State">Linux's state letter: R (running), S (sleeping: blocked in a call), T (stopped), Z (zombie: ended,
/// not yet reaped), X (dead: reaped, or left when its namespace ended; only in <see cref="ForkRuntime.History"/>).</param>
/// <param name="Status">How it ended (exit code or signal), once it has; null while it lives, and for a process that
/// vanished without a status (its actor failed).</param>
/// <param name="Pages">The 4 KiB pages of memory it owns; for a process that ended, those it owned when it ended.</param>
public sealed record ProcessInfo(int Pid, int Ppid, int Pgid, string Program, char State, WaitStatus? Status, long Pages)
{
    /// <summary>The pid namespace (one per <see cref="ForkRuntime.RunAsync(ProcessMain, ProcessOptions?, CancellationToken)"/>), counted from 1 per process.</summary>
    public int Namespace { get; init; } = 1;

    /// <summary>
    /// The cluster node the process runs on (its actor system's address; its namespace's node unless its parent placed it
    /// on another); null in one made by hand.
    /// </summary>
    public Akka.Actor.Address? Node { get; init; }

    /// <summary>Whether the process has ended (a zombie, or reaped).</summary>
    public bool Ended => State is 'Z' or 'X';
}
