using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The pids of one namespace: who holds which, in which group, under which parent. Pids count up from 2,
/// wrap at PidMax and skip every pid and group id in use, so a just-reaped pid is not handed out at once.
/// </summary>
/// <remarks>
/// The namespace's pid authority, shared by its processes and its core: a forking process takes its child's pid here
/// under a lock instead of asking the core, which takes a request and its answer, two scheduling hops, off the path
/// every fork waits on (measured together with the rest of the lean protocol in Bench: fork + exit + wait4 went from
/// 27-47 times bare Akka to about 10). Everything else in a table entry belongs to the core and is changed only by
/// it; the lock orders the core's reads after a fork's insert.
/// </remarks>
internal sealed class ProcessTable(int pidMax)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Entry> _entries = [];
    private readonly Dictionary<int, int> _groupSizes = [];
    private int _last = 1;
    private string? _closed;

    /// <summary>Every process born here, when the runtime keeps a history (null: none, and no cost).</summary>
    public ProcessHistory? History { get; init; }

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>A snapshot of the entries, in no particular order.</summary>
    public IReadOnlyList<KeyValuePair<int, Entry>> Entries
    {
        get { lock (_gate) return [.. _entries]; }
    }

    public Entry? this[int pid]
    {
        get { lock (_gate) return _entries.GetValueOrDefault(pid); }
    }

    public void AddInit()
    {
        lock (_gate) Add(1, new Entry(0, 1));
    }

    /// <summary>No pid is handed out any more (the namespace is ending); <paramref name="reason"/> says why.</summary>
    public void Close(string reason)
    {
        lock (_gate) _closed = reason;
    }

    /// <summary>Why <see cref="Allocate"/> gives no pid: the namespace is ending, or every pid is in use.</summary>
    public string Refusal
    {
        get { lock (_gate) return _closed ?? $"every pid below PidMax ({pidMax}) is in use"; }
    }

    /// <summary>The next free pid for a child of <paramref name="ppid"/> in group <paramref name="pgid"/>, or null (<see cref="Refusal"/> says why).</summary>
    public int? Allocate(int ppid, int pgid)
    {
        lock (_gate)
        {
            if (_closed is not null) return null;
            for (var tries = 0; tries < pidMax; tries++)
            {
                var pid = _last + 1 >= pidMax ? 2 : _last + 1;
                _last = pid;
                if (_entries.ContainsKey(pid) || _groupSizes.ContainsKey(pid)) continue;
                Add(pid, new Entry(ppid, pgid));
                return pid;
            }

            return null;
        }
    }

    public void Release(int pid)
    {
        lock (_gate)
        {
            if (!_entries.Remove(pid, out var entry)) return;
            Leave(entry.Pgid);
            History?.Reaped(pid);
        }
    }

    public void MoveToGroup(Entry entry, int pgid)
    {
        lock (_gate)
        {
            Leave(entry.Pgid);
            entry.Pgid = pgid;
            _groupSizes[pgid] = _groupSizes.GetValueOrDefault(pgid) + 1;
        }
    }

    public bool GroupExists(int pgid)
    {
        lock (_gate) return _groupSizes.ContainsKey(pgid);
    }

    private void Add(int pid, Entry entry)
    {
        _entries[pid] = entry;
        _groupSizes[entry.Pgid] = _groupSizes.GetValueOrDefault(entry.Pgid) + 1;
        History?.Born(pid, entry, _entries.GetValueOrDefault(entry.Ppid)?.View?.Command);
    }

    private void Leave(int pgid)
    {
        if (--_groupSizes[pgid] == 0) _groupSizes.Remove(pgid);
    }

    internal sealed class Entry(int ppid, int pgid)
    {
        public int Ppid { get; set; } = ppid;

        public int Pgid { get; set; } = pgid;

        /// <summary>Null until the process has started.</summary>
        public IActorRef? Process { get; set; }

        /// <summary>False once ended (a zombie until reaped).</summary>
        public bool Alive { get; set; } = true;

        /// <summary>What /proc shows of the process, once its actor has started.</summary>
        public ProcessView? View { get; set; }

        /// <summary>Signals sent before the process started, delivered when it does.</summary>
        public List<DeliverSignal> Pending { get; } = [];

        public void Deliver(DeliverSignal signal)
        {
            if (!Alive || signal.Signal == 0) return;
            if (Process is null) Pending.Add(signal);
            else Process.Tell(signal);
        }
    }
}
