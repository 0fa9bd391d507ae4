using System.Collections.Concurrent;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// Programs known by name. A child's program travels as a <see cref="ProgramEntry"/>: its name, and locally the
/// delegate itself; a registered name is what lets a program run on another node.
/// </summary>
public sealed class ProgramRegistry
{
    private readonly ConcurrentDictionary<string, ProcessMain> _byName = new(StringComparer.Ordinal);

    public static ProgramRegistry WithBuiltIns()
    {
        var registry = new ProgramRegistry();
        foreach (var (name, main) in BuiltInPrograms.All) registry.Register(name, main);
        return registry;
    }

    public IEnumerable<string> Names => _byName.Keys.Order(StringComparer.Ordinal);

    public ProgramRegistry Register(string name, ProcessMain main)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(main);
        _byName[name] = main;
        return this;
    }

    public bool TryGet(string name, out ProcessMain main) => _byName.TryGetValue(name, out main!);

    internal ProgramEntry EntryFor(ProcessMain main)
    {
        foreach (var (name, registered) in _byName)
        {
            if (registered == main) return new ProgramEntry(name, main);
        }

        return new ProgramEntry($"{main.Method.DeclaringType?.Name}.{main.Method.Name}", main);
    }

    /// <summary>The program of an entry: its local delegate, else the one registered under its name.</summary>
    internal ProcessMain Resolve(ProgramEntry entry) =>
        entry.Local as ProcessMain
        ?? (TryGet(entry.Name, out var main)
            ? main
            : throw new PosixException(Errno.ENOENT, $"no program named \"{entry.Name}\" is registered on this node"));
}
