using System.Collections.Concurrent;

namespace Fork.Actors;

// The processes of the runtime's namespaces, as a process tree shows them: the live ones now, and (when asked for with
// KeepHistory) every one that lived.
public sealed partial class ForkRuntime
{
    // The namespaces still running, by their number in this runtime; each removes itself when its run completes.
    private readonly ConcurrentDictionary<int, Namespace> _running = new();
    // Every namespace with a history, in the order they were started (only when KeepHistory).
    private readonly List<Namespace> _histories = [];
    private int _runs;

    /// <summary>
    /// The live processes (zombies included, reaped ones not) of every namespace of this runtime that is still running,
    /// by namespace and pid: a snapshot, read the way /proc reads them, never blocking the processes.
    /// </summary>
    public IReadOnlyList<ProcessInfo> Processes() =>
        [.. _running.Values.Where(n => !n.Done.IsCompleted).OrderBy(n => n.Number).SelectMany(n => ProcessSnapshot.Of(n.Table, n.Number, n.InitCommand, Node))];

    /// <summary>
    /// Every process that lived in this runtime's namespaces since it was created, each namespace in the order they
    /// were born, with how each ended (state X once reaped or once its namespace ended, Z while a zombie), short-lived
    /// ones included: the final tree of a run. Empty unless <see cref="ForkRuntimeOptions.KeepHistory"/> is set.
    /// </summary>
    public IReadOnlyList<ProcessInfo> History()
    {
        Namespace[] namespaces;
        lock (_histories) namespaces = [.. _histories];
        return [.. namespaces.SelectMany(n => n.Table.History!.Snapshot(n.Number, n.Done.IsCompleted, Node))];
    }

    // The node of this runtime's namespaces: where their processes run unless placed on another.
    private Akka.Actor.Address Node => ((Akka.Actor.ExtendedActorSystem)System).Provider.DefaultAddress;

    private ProcessTable NewTable(ProcessOptions init) =>
        new(Options.PidMax) { History = Options.KeepHistory ? new ProcessHistory(init.Binary) : null };

    private void Track(ProcessTable table, ProcessOptions init, Task done)
    {
        var run = new Namespace(Interlocked.Increment(ref _runs), table, init.Binary, done);
        _running[run.Number] = run;
        if (table.History is not null)
        {
            lock (_histories) _histories.Add(run);
        }

        done.ContinueWith(_ =>
        {
            _running.TryRemove(run.Number, out var _);
            table.History?.Seal();
        }, TaskScheduler.Default);
    }

    private sealed record Namespace(int Number, ProcessTable Table, string InitCommand, Task Done);
}
