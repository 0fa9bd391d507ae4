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

        return new ProgramEntry(NameOf(main.Method), main);
    }

    /// <summary>
    /// <c>Type.Method</c> of a program's method; a lambda is named after the method it is written in
    /// (<c>TestFork.Main (lambda)</c>), not after the compiler's closure class.
    /// </summary>
    private static string NameOf(System.Reflection.MethodInfo method)
    {
        var type = method.DeclaringType;
        while (type is { DeclaringType: not null } && type.Name.StartsWith('<')) type = type.DeclaringType;
        var name = method.Name;
        if (!name.StartsWith('<')) return $"{type?.Name}.{name}";
        var end = name.IndexOf('>');
        return $"{type?.Name}.{(end > 1 ? name[1..end] : name)} (lambda)";
    }

    /// <summary>The program of an entry: its local delegate, else the one registered under its name.</summary>
    internal ProcessMain Resolve(ProgramEntry entry) =>
        entry.Local as ProcessMain
        ?? (TryGet(entry.Name, out var main)
            ? main
            : throw new PosixException(Errno.ENOENT, $"no program named \"{entry.Name}\" is registered on this node"));
}
