namespace Fork.Actors;

/// <summary>
/// The process tables of the pid namespaces alive in this .NET process, for the gauges of <see cref="ForkMetrics"/>.
/// </summary>
/// <remarks>
/// Shared by every runtime and actor system of the process because the meter is: an observable gauge is one callback
/// per meter, and the meter <c>Fork.Actors</c> is a static, so the callback can only reach the namespaces through
/// something static. A namespace's core adds its table when it starts and removes it when it stops; the tables are
/// only read here (each under its own lock), when a listener collects.
/// </remarks>
internal static class LiveNamespaces
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<ProcessTable> Tables = [];

    public static void Add(ProcessTable table)
    {
        lock (Gate) Tables.Add(table);
    }

    public static void Remove(ProcessTable table)
    {
        lock (Gate) Tables.Remove(table);
    }

    /// <summary>Processes that have not ended, over every live namespace.</summary>
    public static int Processes() => Count(alive: true);

    /// <summary>Processes that ended and are not reaped yet (zombies), over every live namespace.</summary>
    public static int Zombies() => Count(alive: false);

    private static int Count(bool alive)
    {
        ProcessTable[] tables;
        lock (Gate) tables = [.. Tables];
        var count = 0;
        foreach (var table in tables)
        {
            foreach (var (_, entry) in table.Entries)
            {
                if (entry.Alive == alive) count++;
            }
        }

        return count;
    }
}
