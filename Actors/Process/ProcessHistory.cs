namespace Fork.Actors;

/// <summary>
/// Every process that lived in one namespace, in the order they were born, with how each ended: the final tree of a
/// run, which a sampler of the live table would miss short-lived processes of. Kept only when
/// <see cref="ForkRuntimeOptions.KeepHistory"/> asks for it.
/// </summary>
/// <remarks>
/// Fed by the namespace's <see cref="ProcessTable"/>, under its lock, at the two moments the table already sees: a pid is
/// handed out (birth) and a pid is released (reaped). In between an entry reads the live table entry and the process's
/// <see cref="ProcessView"/> as /proc does; at reaping it copies what it shows and lets go of them, so a finished
/// process holds no memory of its own here (an entry is a few dozen bytes). Shared between the namespace (writer) and
/// whoever asks for a snapshot (any thread): hence its own lock, held only to copy. A pid reused after wrap-around
/// is a new entry (one per incarnation).
/// </remarks>
internal sealed class ProcessHistory(string initCommand)
{
    private readonly Lock _gate = new();
    private readonly List<Incarnation> _all = [];
    private readonly Dictionary<int, Incarnation> _live = [];

    /// <summary>
    /// Pid <paramref name="pid"/> was handed out for <paramref name="entry"/>, whose command until its actor starts is
    /// <paramref name="inherited"/> (its parent's), or init's binary for init.
    /// </summary>
    public void Born(int pid, ProcessTable.Entry entry, string? inherited)
    {
        lock (_gate)
        {
            var incarnation = new Incarnation(pid, entry.Ppid, entry, inherited ?? (pid == 1 ? initCommand : ""));
            _all.Add(incarnation);
            _live[pid] = incarnation;
        }
    }

    /// <summary>Pid <paramref name="pid"/> was released: its process was reaped.</summary>
    public void Reaped(int pid)
    {
        lock (_gate)
        {
            if (_live.Remove(pid, out var incarnation)) incarnation.Freeze();
        }
    }

    /// <summary>The namespace has ended: whatever was not reaped (init, at least) is done with too.</summary>
    public void Seal()
    {
        lock (_gate)
        {
            foreach (var incarnation in _live.Values) incarnation.Freeze();
            _live.Clear();
        }
    }

    /// <summary>
    /// Every process so far, in birth order; <paramref name="ended"/> says the namespace has ended, so that none is
    /// shown as alive (its core may not have sealed the history yet when its run's caller asks).
    /// </summary>
    public IReadOnlyList<ProcessInfo> Snapshot(int @namespace, bool ended, Akka.Actor.Address home)
    {
        lock (_gate) return [.. _all.Select(i => i.Describe(@namespace, ended, home))];
    }

    private sealed class Incarnation(int pid, int ppid, ProcessTable.Entry entry, string inherited)
    {
        private ProcessTable.Entry? _entry = entry;
        private ProcessInfo? _final;

        public ProcessInfo Describe(int @namespace, bool ended, Akka.Actor.Address home)
        {
            if (_final is { } final) return final with { Namespace = @namespace, Node = final.Node ?? home };
            var now = ProcessSnapshot.Of(pid, ppid, _entry!, inherited, @namespace, home);
            return ended ? now with { State = 'X' } : now;
        }

        /// <summary>Keeps what it shows now, as dead, and lets go of the table entry (and so of the process's memory).</summary>
        public void Freeze()
        {
            if (_entry is null) return;
            _final = ProcessSnapshot.Of(pid, ppid, _entry, inherited, 0, home: null) with { State = 'X' };
            _entry = null;
        }
    }
}
