using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The pids of one namespace: who holds which, in which group, under which parent. Pids count up from 2,
/// wrap at PidMax and skip every pid and group id in use, so a just-reaped pid is not handed out at once.
/// </summary>
internal sealed class ProcessTable(int pidMax)
{
    private readonly Dictionary<int, Entry> _entries = [];
    private readonly Dictionary<int, int> _groupSizes = [];
    private int _last = 1;

    public int Count => _entries.Count;

    public IEnumerable<KeyValuePair<int, Entry>> Entries => _entries;

    public Entry? this[int pid] => _entries.GetValueOrDefault(pid);

    public void AddInit() => Add(1, new Entry(0, 1));

    /// <summary>The next free pid, or null when every pid below PidMax is taken.</summary>
    public int? Allocate(int ppid, int pgid)
    {
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

    public void Release(int pid)
    {
        if (_entries.Remove(pid, out var entry)) Leave(entry.Pgid);
    }

    public void MoveToGroup(Entry entry, int pgid)
    {
        Leave(entry.Pgid);
        entry.Pgid = pgid;
        _groupSizes[pgid] = _groupSizes.GetValueOrDefault(pgid) + 1;
    }

    public bool GroupExists(int pgid) => _groupSizes.ContainsKey(pgid);

    private void Add(int pid, Entry entry)
    {
        _entries[pid] = entry;
        _groupSizes[entry.Pgid] = _groupSizes.GetValueOrDefault(entry.Pgid) + 1;
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
