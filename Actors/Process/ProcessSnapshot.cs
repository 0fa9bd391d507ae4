using Fork.Messages;

namespace Fork.Actors;

/// <summary>What a process table entry shows now, the way /proc/PID/status reads it (ProcFiles).</summary>
internal static class ProcessSnapshot
{
    /// <summary>
    /// The process at <paramref name="pid"/> now; <paramref name="inherited"/> is its command until its actor has started,
    /// <paramref name="home"/> the namespace's node (where it runs unless its view names another).
    /// </summary>
    public static ProcessInfo Of(int pid, int ppid, ProcessTable.Entry entry, string inherited, int @namespace, Akka.Actor.Address? home)
    {
        var view = entry.View;
        // End is written before Ended and before the core hears of the end (Alive), so a zombie always has it, but
        // one whose actor failed before it could end has none.
        var end = view?.End;
        var state = end is not null || !entry.Alive ? 'Z' : view?.State.Letter ?? 'R';
        var bytes = end?.ResidentBytes ?? view?.ResidentBytes ?? 0;
        return new ProcessInfo(pid, ppid, entry.Pgid, view?.Command ?? inherited, state, end?.Status, bytes / MemoryImage.PageSize)
        {
            Namespace = @namespace,
            Node = view?.Node ?? home,
        };
    }

    /// <summary>The live (not reaped) processes of <paramref name="table"/> now, by pid; init's command is <paramref name="initCommand"/> until it has started.</summary>
    public static IEnumerable<ProcessInfo> Of(ProcessTable table, int @namespace, string initCommand, Akka.Actor.Address home)
    {
        var entries = table.Entries;
        var commands = entries.ToDictionary(e => e.Key, e => e.Value.View?.Command);
        return entries
            .OrderBy(e => e.Key)
            .Select(e => Of(e.Key, e.Value.Ppid, e.Value, e.Key == 1 ? initCommand : commands.GetValueOrDefault(e.Value.Ppid) ?? "", @namespace, home));
    }
}
